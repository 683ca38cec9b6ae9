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
      // Generous: the certificate tests make RSA keys and run openssl, and CI machines are shared and noisy.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      integration('pglite'),
      integration('postgres'),
      // PostgreSQL through our own PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer): the whole integration
      // suite, because any route may be the one that leans on session state the pooler does not keep (a subset
      // missed pg_dump's session settings left on pooled connections: README, "Connection pooling").
      {
        test: {
          ...integration('postgres').test,
          name: 'integration-pgbouncer',
          include: ['test/pooling/**/*.test.ts', 'test/integration/**/*.test.ts'],
          env: { TEST_BACKEND: 'pgbouncer' },
          globalSetup: ['test/support/pgbouncer.ts']
        }
      },
      // The fault suite (`npm run test:faults`, issue 11): real server processes killed, databases restarted and
      // disks filled. Two files at a time: most of a file's time is spent waiting for processes to start.
      { test: { name: 'faults', include: ['test/faults/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, maxWorkers: 2 } }
    ]
  }
});
