// Cluster scenario: a rolling restart of the three brokers while messages flow, as an upgrade does
// it: each stopped cleanly, started again, and the next only once every partition is back in sync.
import { ClusterNodes } from './cluster-nodes.ts';
import type { ClusterFault } from './cluster-scenario.ts';

export const rollingRestart: ClusterFault = {
  name: 'rolling restart of the three brokers',
  async inject({ h, nodes, log }) {
    const steps: string[] = [];
    for (const id of [1, 2, 3]) {
      const name = ClusterNodes.brokerName(id);
      const began = Date.now();
      await nodes.stop(name);
      const stopped = (Date.now() - began) / 1000;
      const started = await nodes.start();
      const inSync = await nodes.waitInSync();
      log(`  ${name} restarted at ${h.elapsed()}`);
      steps.push(
        `${name} stopped in ${stopped.toFixed(1)} s, answering ${started.toFixed(1)} s later, in sync ${inSync.toFixed(1)} s after`,
      );
    }
    h.note(`rolling restart: ${steps.join('; ')}`);
    return undefined;
  },
};
