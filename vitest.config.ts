import { defineConfig } from 'vitest/config';

// Integration tests run twice: on the embedded PGlite (what `npm start` uses) and on a real PostgreSQL server.
const integration = (backend: 'pglite' | 'postgres') => ({
  test: {
    name: `integration-${backend}`,
    include: ['test/integration/**/*.test.ts'],
    env: { TEST_BACKEND: backend },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file starts its own server and database; two at a time is what two cores can carry.
    maxWorkers: 2
  }
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      integration('pglite'),
      integration('postgres')
    ]
  }
});
