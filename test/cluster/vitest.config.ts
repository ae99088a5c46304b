import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the pipeline on the local cluster (three brokers, three Cassandra nodes, two
// registries; stack/cluster.ts), which its global setup brings up when it is not running. Its own
// command, never part of `npm test`: the cluster's first start takes minutes on two cores.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    setupFiles: ['testkit/quiet-kafkajs-timer.ts'],
    env: { SPAMSTREAM_STACK_NODES: '3' },
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});
