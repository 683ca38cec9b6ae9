// The app through PgBouncer in transaction mode (DESIGN §15, DATABASE_POOLER=pgbouncer): its connections are the
// pooler's clients, it prepares nothing, and a burst of work from more client connections than the pool has
// server connections completes. Runs only in the integration-pgbouncer project, which starts the pooler.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** PgBouncer's admin console speaks only the simple query protocol: psql, as an operator would. */
function adminConsole(command: string): Record<string, string>[] {
  const url = new URL(process.env.PGBOUNCER_URL!);
  const out = execFileSync('psql', ['-h', url.hostname, '-p', url.port, '-U', 'postgres', '-d', 'pgbouncer', '-A', '-F', '\t', '-P', 'footer=off', '-c', command], { encoding: 'utf8' });
  const [head, ...rows] = out.trim().split('\n');
  const names = head!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [names[i], v])));
}

describe('through PgBouncer in transaction mode', () => {
  test('the app is a client of the pooler, in transaction mode, and prepares no statements', async () => {
    const database = new URL(server.runtime.deps.config.databaseUrl!).pathname.slice(1);
    expect(new URL(server.runtime.deps.config.databaseUrl!).port).toBe(new URL(process.env.PGBOUNCER_URL!).port);
    expect(server.runtime.deps.sql.options.prepare).toBe(false);
    const citizen = await loginClient(server.url, 'demo-citizen');
    // More requests at once than the pooler has server connections for this database (8).
    const documents = await uploadDocumentSet(citizen, server.origin);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i === 0 ? citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() }) : citizen.get('/api/applications')))
    );
    expect(answers.map((a) => a.status)).toEqual([201, ...Array(11).fill(200)]);
    const pool = adminConsole('show pools').find((p) => p.database === database);
    expect(pool?.pool_mode).toBe('transaction');
    const clients = adminConsole('show clients').filter((c) => c.database === database);
    expect(clients.length).toBeGreaterThanOrEqual(1);
    const servers = adminConsole('show servers').filter((s) => s.database === database);
    expect(servers.length).toBeLessThanOrEqual(8);
  });
});
