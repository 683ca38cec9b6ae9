import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium: Playwright cannot download its own browsers here.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const postgresAdmin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Two checkouts can run their e2e suites side by side with their own ports and database (E2E_PORT, E2E_DATABASE).
const basePort = Number(process.env.E2E_PORT ?? 4173);
const e2eDatabase = Object.assign(new URL(postgresAdmin), { pathname: '/' + (process.env.E2E_DATABASE ?? 'orc_e2e') }).toString();

// The phone the citizens of DESIGN §1 carry: a 360 px wide Android screen, touch, slow-ish CPU.
const phone = { ...devices['Galaxy S9+'], viewport: { width: 360, height: 740 }, defaultBrowserType: 'chromium' as const };

const server = (port: number, env: Record<string, string>, before = '') => ({
  command: `${before}node --import tsx server.ts`,
  url: `http://localhost:${port}/api/health`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  // Every spec's applications share these servers, and sla.spec.ts moves the clock past all their time limits at
  // once: its DM must get each escalation as its own SMS, not a digest of however many the other specs left open
  // (digests: test/integration/sla-digest.test.ts).
  env: { NODE_ENV: 'development', PORT: String(port), ORIGIN: `http://localhost:${port}`, LOG_LEVEL: 'warn', SLA_DIGEST_AFTER: '100000', ...env }
});

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { launchOptions: { executablePath, args: chromiumArgs }, trace: 'retain-on-failure', locale: 'en-IN', actionTimeout: 15_000 },
  projects: [
    { name: 'embedded', testIgnore: /server-process/, use: { ...phone, baseURL: `http://localhost:${basePort}` } },
    { name: 'postgres', testIgnore: /server-process/, use: { ...phone, baseURL: `http://localhost:${basePort + 1}` } },
    { name: 'process', testMatch: /server-process/ }
  ],
  webServer: [
    server(basePort, { DATA_DIR: 'data/e2e' }, 'rm -rf data/e2e && '),
    server(basePort + 1, { DATABASE_URL: e2eDatabase, DATA_DIR: 'data/e2e-pg' }, `npx tsx test/support/recreate-database.ts ${e2eDatabase} && `)
  ]
});
