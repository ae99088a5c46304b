import { defineConfig } from 'vitest/config';

// `npm run test:image`: its own command, never part of `npm test`, since it builds an image (about
// a minute once the base exists) and needs podman.
export default defineConfig({
  test: {
    include: ['test/image/**/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    setupFiles: ['testkit/quiet-kafkajs-timer.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
