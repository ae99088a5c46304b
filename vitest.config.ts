import { defineConfig } from 'vitest/config';

// Two projects: unit tests (pure logic, in-memory fakes) run in parallel; integration tests
// talk to the real Kafka, schema registry and Cassandra, which the global setup starts when
// they are not already running, and run one file at a time because they share those servers.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [
            'node_modules/**',
            'test/integration/**',
            'test/image/**',
            'test/deploy/**',
            'test/cluster/**',
            '.stack/**',
            '.stack-cluster/**',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['testkit/quiet-kafkajs-timer.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
