// The graph without a connection: `topology describe` builds the topology on ports that are never
// called (building a processor's pipe only names its steps), so it runs with no server up.
import type { Config } from '../config/config.ts';
import { type Topology, type TopologyPorts, buildTopology } from './build.ts';

const unconnected = (port: string) => (): never => {
  throw new Error(`${port} is not connected: this topology is only described`);
};

const UNCONNECTED: TopologyPorts = {
  openSource: unconnected('the Kafka source'),
  writer: { send: unconnected('the Kafka writer'), close: unconnected('the Kafka writer') },
  openTransactionalWriter: unconnected('the transactional writer'),
  codec: { encode: unconnected('the codec'), decode: unconnected('the codec') },
  featureStore: { putFeatures: unconnected('the feature store'), getFeatures: unconnected('the feature store') },
  predictionStore: {
    putPredictions: unconnected('the prediction store'),
    getPredictions: unconnected('the prediction store'),
  },
  labelStore: { putLabels: unconnected('the label store'), labelsOf: unconnected('the label store') },
  views: [],
  models: [],
};

type GraphConfig = Pick<Config, 'topics' | 'pipeline' | 'cassandra' | 'cdc' | 'quality'>;

export function describeTopology(config: GraphConfig): Pick<Topology, 'describe' | 'mermaid'> {
  return buildTopology(UNCONNECTED, config);
}
