// The cluster scenarios, in the order `npm run test:faults -- --cluster` runs them: each fault at a
// steady rate and during a backlog.
import { coordinatorKill, leaderKill } from './broker-kill.ts';
import { cassandraKillAfterAck, cassandraNodeDown } from './cassandra-node.ts';
import { type ClusterFault, clusterScenario } from './cluster-scenario.ts';
import type { Scenario } from './harness.ts';
import { rollingRestart } from './rolling-restart.ts';

const FAULTS: readonly ClusterFault[] = [
  leaderKill,
  coordinatorKill,
  rollingRestart,
  cassandraNodeDown,
  cassandraKillAfterAck,
];

export const CLUSTER_SCENARIOS: readonly Scenario[] = FAULTS.flatMap((fault) => [
  clusterScenario(fault, 'steady'),
  clusterScenario(fault, 'backlog'),
]);
