// Runs processors and/or the HTTP edge in this process with the real connectors: what
// `spamstream start` (everything) and `spamstream run <part>` (one part, to scale out) share.
import { type Config, ConfigError } from '../config/config.ts';
import { createProcessLog } from '../core/log.ts';
import { createMetrics } from '../core/metrics.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import type { CassandraStores } from '../connectors/cassandra/store.ts';
import type { RunningEdge } from '../edge/server.ts';
import { type RunningProcessor, buildTopology } from '../topology/build.ts';
import type { ProcessorName } from '../topology/graph.ts';
import { restartFailedTasks } from '../connectors/cdc/connector-rest.ts';
import type { HealthCheck } from '../core/health.ts';
import { chooseChampion } from '../models/champion.ts';
import { watchConnector } from './connector-watch.ts';
import { serverChecks } from './health-checks.ts';
import { startOpsServer } from './ops-server.ts';
import { type Messaging, connectMessaging, connectModels, connectStores, topologyPorts } from './wiring.ts';

export type PartName = ProcessorName | 'edge';

export interface RunningPipeline {
  readonly processors: readonly RunningProcessor[];
  readonly edge?: RunningEdge;
  /** Settles when a processor stops on its own (it failed); never while all run. */
  readonly failed: Promise<Error>;
  /** Drains and commits what is in flight, then closes every connection. */
  stop(): Promise<void>;
}

/**
 * What the ops server of processors run alone checks: their servers answer, each processor is in its
 * consumer group, and none has stopped (one that failed leaves the process not ready until it exits).
 */
function processorChecks(
  config: Config,
  messaging: Messaging,
  stores: CassandraStores,
  processors: readonly RunningProcessor[],
  cdc: boolean,
): HealthCheck[] {
  const stopped = new Set<string>();
  for (const p of processors)
    p.done.then(
      () => stopped.add(p.name),
      () => stopped.add(p.name),
    );
  return [
    ...serverChecks(config, messaging, stores, { connector: cdc }),
    {
      name: 'processors',
      check: async () => {
        if (stopped.size > 0) throw new Error(`stopped: ${[...stopped].join(', ')}`);
        const waiting = processors.filter((p) => !p.joined()).map((p) => p.name);
        if (waiting.length > 0) throw new Error(`not yet in its consumer group: ${waiting.join(', ')}`);
      },
    },
  ];
}

/** Starts `parts`; `say` takes what it reports (a part running, where it listens), the process log's `info` unless given. */
export async function startParts(
  config: Config,
  parts: readonly PartName[],
  say?: (line: string) => void,
): Promise<RunningPipeline> {
  const metrics = createMetrics();
  const processLog = createProcessLog(config.pipeline);
  const log = say ?? processLog.info;
  const messaging = connectMessaging(config, metrics, processLog);
  const closers: (() => Promise<unknown>)[] = [() => messaging.close()];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((error: unknown) => log(`while closing: ${(error as Error).message}`));
  };
  try {
    const stores: CassandraStores = await connectStores(config);
    closers.push(() => stores.close());
    const needsModels = parts.includes('scoring') || parts.includes('edge');
    const models: SpamModel[] = needsModels ? await connectModels(config) : [];
    closers.push(() => Promise.all(models.map((model) => model.close())));
    if (needsModels)
      log(`models: ${models.map((m) => `${m.card.version} (${m.card.views.map((v) => v.id).join('+')})`).join(', ')}`);
    // Checked wherever models load, so a champion that is not scored stops every part at start.
    const champion = needsModels
      ? chooseChampion(
          models.map((m) => m.card),
          config.edge.champion,
        )
      : undefined;
    if (champion instanceof Error) throw new ConfigError([champion.message]);
    if (champion) log(`champion: ${champion.version} (${champion.reason})`);

    const topology = buildTopology(
      topologyPorts(config, messaging, stores, models, { metrics, log: processLog }),
      config,
    );

    const processors = parts
      .filter((part): part is ProcessorName => part !== 'edge')
      .map((name) => topology.processor(name).start());
    const failed = Promise.race(
      processors.map((p) =>
        p.done.then(
          () => new Promise<never>(() => {}),
          (error: unknown) => error as Error,
        ),
      ),
    );
    for (const p of processors) log(`processor ${p.name} running (group ${topology.processor(p.name).groupId})`);
    if (parts.includes('cdc')) {
      const watch = watchConnector(() => restartFailedTasks(config.cdc.connectUrl, config.cdc.connector), processLog);
      closers.push(async () => watch.stop());
    }

    if (!parts.includes('edge') && processors.length > 0) {
      const ops = await startOpsServer({
        host: config.pipeline.opsHost,
        port: config.pipeline.opsPort,
        checks: processorChecks(config, messaging, stores, processors, parts.includes('cdc')),
        readyTimeoutMs: config.pipeline.opsReadyTimeoutMs,
        metrics,
      });
      closers.push(() => ops.close());
      log(`ops listening on ${ops.address}`);
    }

    let edge: RunningEdge | undefined;
    if (parts.includes('edge')) {
      // Imported here, not at the top: a processor run alone never loads Fastify and its plugins.
      const { startWiredEdge } = await import('./edge-wiring.ts');
      const wired = await startWiredEdge({
        config,
        messaging,
        stores,
        models,
        champion: champion?.version,
        metrics,
        log: processLog,
      });
      closers.push(() => wired.closeFeeds());
      edge = wired.edge;
      log(`edge listening on ${edge.address}`);
    }

    return {
      processors,
      edge,
      failed,
      async stop() {
        // Stop taking requests first, then drain the processors, then close connections.
        if (edge) await edge.close();
        await Promise.all(processors.map((p) => p.stop()));
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
