// Production cannot be mistyped (issue 11 item 5): any NODE_ENV but an unset or exact "development" is production;
// production refuses a database with demo accounts in it; `npm run admin:create` makes the first administrator.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import { createLogger } from '../../api/log.ts';
import { createRuntime } from '../../server.ts';
import { Client } from '../support/client.ts';
import { backend, createTestDatabase, startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const aadhaarKey = 'cd'.repeat(32);

describe('a mistyped NODE_ENV is production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'Production', AADHAAR_KEY: aadhaarKey });
  });
  afterAll(() => server?.close());

  test('no demo administrator, no dev outbox', async () => {
    expect((await new Client(server.url).post('/api/auth/login', { login: 'demo-admin', password: 'demo-password' })).status).toBe(401);
    expect((await new Client(server.url).get('/api/dev/outbox')).status).toBe(404);
    expect(server.runtime.deps.config.production).toBe(true);
  });
});

describe('the first administrator of a production database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orc-prodmode-'));
  let db: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = backend === 'postgres' ? await createTestDatabase() : null;
    env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', SLA_SWEEP_INTERVAL_SECONDS: '0', AADHAAR_KEY: aadhaarKey, ...(db ? { DATABASE_URL: db.url } : {}) };
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = (nodeEnv: string) => createRuntime(loadConfig({ ...env, NODE_ENV: nodeEnv }), { log: createLogger('silent'), dispatchIntervalMs: 0 });
  const adminCreate = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/admin-create.ts', ...args], { env: { ...process.env, ...env, NODE_ENV: 'production' } });

  test('production refuses to start while demo accounts exist, and starts once they are gone', async () => {
    const dev = await start('development');
    expect(dev.demoUsers).toContain('demo-admin');
    await dev.close();
    await expect(start('production')).rejects.toThrow(/Demo accounts exist.*demo-admin.*admin:create/s);

    const cleanup = await start('development');
    await cleanup.deps.sql`delete from users where id like 'demo-%'`;
    await cleanup.close();
    const prod = await start('production');
    expect(prod.demoUsers).toEqual([]);
    await prod.close();
  });

  test('`npm run admin:create` prints a one-time password that logs in and must be changed; a second needs --additional', async () => {
    const { stdout } = await adminCreate(['--name', 'First Administrator', '--mobile', '98300 12345', '--lang', 'en']);
    const id = /user ID:\s+(\S+)/.exec(stdout)?.[1];
    const password = /one-time password:\s+(\S+)/.exec(stdout)?.[1];
    expect(id).toMatch(/^WB\d{8}$/);
    expect(password).toMatch(/^[a-z0-9]{12}$/);

    const again = await adminCreate(['--name', 'Second', '--mobile', '9830012346']).catch((err: { code: number; stderr: string }) => err);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/already 1 administrator/) });

    const runtime = await start('production');
    const { createServer } = await import('node:http');
    const http = createServer((req, res) => runtime.route(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
      const client = new Client(base);
      const login = await client.post('/api/auth/login', { login: id, password });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
      expect((await client.get('/api/users')).status).toBe(403); // password_change_required until changed
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      await runtime.close();
    }
  });
});
