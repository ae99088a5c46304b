import { defineConfig } from 'vitest/config';

// `npm run test:deploy`: its own command, since it fetches Helm (built from source once), checkov
// and kubernetes-validate; it needs no cluster and no server.
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
