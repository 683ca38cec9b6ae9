// Tampering with the audit trail is detected even by someone with database rights (issue 11 item 4): an event
// rewritten with session_replication_role=replica, every hash after it recomputed, still passes the chain check —
// and is caught by the signed checkpoints kept outside the database.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEvents, sealEvent, verifyChain } from '../../api/applications/audit.ts';
import { verifyAudit, writeCheckpoint } from '../../api/audit/checkpoints.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { watchFlushes } from '../support/flushes.ts';
import { backend, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let applicationId: string;
let ain: string;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  const citizen = await loginClient(server.url, 'demo-citizen');
  const bdo = await loginClient(server.url, 'demo-bdo');
  for (const seed of [0, 10]) {
    const documents = await uploadDocumentSet(citizen, server.origin, seed);
    const filed = await citizen.request('POST', '/api/applications', { json: { applicant: validApplicant(), documents }, headers: { 'idempotency-key': idempotencyKey() } });
    expect(filed.status).toBe(201);
    ain = filed.body.ain;
  }
  expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'send_back', version: 1, remarks: 'Attach a clearer residence proof.' })).status).toBe(200);
  const [row] = await server.runtime.deps.sql<{ id: string }[]>`select id::text from applications where ain = ${ain}`;
  applicationId = row!.id;
});
afterAll(() => server?.close());

describe('signed checkpoints of the audit trail', () => {
  test('a checkpoint is signed and kept outside the database, in DATA_DIR and in the storage; the intact trail verifies', async () => {
    const deps = server.runtime.deps;
    const watch = await watchFlushes();
    const first = await writeCheckpoint(deps).finally(() => watch.stop());
    expect(first).toMatchObject({ n: 1, events: 3 });
    // The local copy is on the disk before the checkpoint's row commits: an empty file after a power cut would read
    // as a checkpoint not signed with the district key.
    const local = join(deps.config.dataDir, 'audit', 'checkpoints');
    expect(watch.flushes).toEqual(expect.arrayContaining([`data ${local}/00000001.json.random.tmp`, `sync ${local}`]));
    expect(await writeCheckpoint(deps)).toBeNull(); // nothing new since
    expect(readdirSync(join(deps.config.dataDir, 'audit', 'checkpoints'))).toEqual(['00000001.json']);
    expect(await deps.storage.listNamed('audit-checkpoints')).toEqual(['audit-checkpoints/00000001.json']);
    expect(await verifyAudit(deps)).toEqual({ events: 3, applications: 2, checkpoints: 1, problems: [] });
  });

  test('an event rewritten with session_replication_role=replica and its hashes recomputed passes the chain check, and is caught', async () => {
    const deps = server.runtime.deps;
    // The insider: silences the append-only trigger for this transaction, changes the send-back's remarks, and
    // recomputes the hash of that event and of every one after it, so the chain itself holds.
    await deps.sql.begin(async (sql) => {
      await sql`set local session_replication_role = replica`;
      const events = await listEvents(sql, applicationId);
      let previous: { seq: number; hash: string } | null = null;
      for (const e of events) {
        const content = e.action === 'send_back' ? { ...e, remarks: 'Approved on the telephone, no proof needed.' } : e;
        const resealed = sealEvent(content, previous);
        await sql`update application_events set remarks = ${resealed.remarks}, prev_hash = ${resealed.prevHash}, hash = ${resealed.hash} where application_id = ${applicationId} and seq = ${e.seq}`;
        previous = resealed;
      }
    });
    const events = await listEvents(deps.sql, applicationId);
    expect(events.find((e) => e.action === 'send_back')?.remarks).toBe('Approved on the telephone, no proof needed.');
    expect(verifyChain(events)).toBeNull(); // the chain alone cannot tell

    const report = await verifyAudit(deps);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^checkpoint 1 .* does not match the events now in the database/);

    // The same from the command line, on the real PostgreSQL (the embedded one is open in this process only).
    if (backend === 'postgres') {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: deps.config.databaseUrl, DATA_DIR: deps.config.dataDir, NODE_ENV: 'development', LOG_LEVEL: 'silent' }
      });
      expect(run.stderr).toBe('');
      expect(run.status, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/3 events of 2 applications recomputed; 1 signed checkpoints checked/);
      expect(run.stdout).toMatch(/TAMPERED\n$/);
    }
  });

  test('a checkpoint file that was edited or signed with another key is reported', async () => {
    const deps = server.runtime.deps;
    await deps.storage.putNamed('audit-checkpoints/00000002.json', Buffer.from(JSON.stringify({ payload: JSON.stringify({ version: 1, n: 2, maxEventId: '1', events: 1, digest: '0'.repeat(64), at: 'x' }), signature: 'AAAA' })));
    const report = await verifyAudit(deps);
    expect(report.problems).toContain('storage:audit-checkpoints/00000002.json: not a checkpoint signed with the district key');
  });
});
