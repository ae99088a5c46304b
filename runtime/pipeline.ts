// Runs processors and/or the HTTP edge in this process with the real connectors: what
// `spamstream start` (everything) and `spamstream run <part>` (one part, to scale out) share.
import type { Config } from '../config/config.ts';
import { createLog } from '../core/log.ts';
import { createMetrics } from '../core/metrics.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import type { CassandraStores } from '../connectors/cassandra/store.ts';
import type { RunningEdge } from '../edge/server.ts';
import { type RunningProcessor, buildTopology } from '../topology/build.ts';
import type { ProcessorName } from '../topology/graph.ts';
import { restartFailedTasks } from '../connectors/cdc/connector-rest.ts';
import { watchConnector } from './connector-watch.ts';
import { connectMessaging, connectModels, connectStores, topologyPorts } from './wiring.ts';

export type PartName = ProcessorName | 'edge';

export interface RunningPipeline {
  readonly processors: readonly RunningProcessor[];
  readonly edge?: RunningEdge;
  /** Settles when a processor stops on its own (it failed); never while all run. */
  readonly failed: Promise<Error>;
  /** Drains and commits what is in flight, then closes every connection. */
  stop(): Promise<void>;
}

export async function startParts(
  config: Config,
  parts: readonly PartName[],
  log: (line: string) => void = console.log,
): Promise<RunningPipeline> {
  const metrics = createMetrics();
  const processLog = createLog(config.pipeline.logLevel);
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

    let edge: RunningEdge | undefined;
    if (parts.includes('edge')) {
      // Imported here, not at the top: a processor run alone never loads Fastify and its plugins.
      const { startWiredEdge } = await import('./edge-wiring.ts');
      const wired = await startWiredEdge({ config, messaging, stores, models, metrics, log: processLog });
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
