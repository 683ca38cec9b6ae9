// Backup and restore (DESIGN §15): `npm run backup` takes pg_dump's custom format and every stored file; restored
// into an empty database and empty storage, every certificate still verifies and every audit chain checks.
// Retention: gateway callback keys, inbound SMS and expired sessions go after their configured periods.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { listEvents, verifyChain } from '../../api/applications/audit.ts';
import { checkpointObjectName, verifyAudit, writeCheckpoint } from '../../api/audit/checkpoints.ts';
import { backup, backupDatabaseUrl, restore } from '../../api/backup/backup.ts';
import { trustedCaPem } from '../../api/certificates/credentials.ts';
import { verifyCertificatePdf, type Verification } from '../../api/certificates/sign.ts';
import { openDatabase } from '../../api/db/connect.ts';
import { purgeExpired } from '../../api/retention/retention.ts';
import { districtSealPrivateKey } from '../../api/signing/seal-key.ts';
import { createLocalStorage } from '../../api/storage/storage.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { temporaryFolders } from '../support/folders.ts';
import { watchFlushes } from '../support/flushes.ts';
import { backend, createTestDatabase, pooler, sharedDatabase, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  // Periods other than the defaults (30, 365, 7 and 2 days), so the test shows the configuration is what counts.
  server = await startTestServer({ RETENTION_GATEWAY_CALLBACK_DAYS: '20', RETENTION_SMS_INBOUND_DAYS: '100', RETENTION_EXPIRED_SESSION_DAYS: '3', RETENTION_ATTEMPT_COUNTER_DAYS: '4' });
});
afterAll(() => server.close());

/** An application the demo citizen submits; returns its AIN. */
async function submittedApplication(): Promise<string> {
  const citizen = await loginClient(server.url, 'demo-citizen');
  const documents = await uploadDocumentSet(citizen, server.origin);
  const submitted = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(submitted.status).toBe(201);
  return submitted.body.ain as string;
}

/** An application taken through to approval, with a signed certificate; returns the certificate number. */
async function approvedApplication(): Promise<string> {
  const ain = await submittedApplication();
  const bdo = await loginClient(server.url, 'demo-bdo');
  const eo = await loginClient(server.url, 'demo-eo');
  expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
  const report = {
    version: 2,
    visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
    findings: 'Met the applicant and two neighbours at the address; she has lived here since childhood.',
    recommendation: 'recommend',
    position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
    photos: []
  };
  expect((await eo.post(`/api/applications/${ain}/report`, report, { 'idempotency-key': idempotencyKey() })).status).toBe(201);
  const approved = await bdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 3 });
  expect(approved.status).toBe(200);
  return approved.body.certificateNo as string;
}

/**
 * What a failed verification found, for the assertion's message: CI once saw these tests report `valid: false` on
 * PgBouncer (a2018dd) and passed them in 24 runs since, and `toMatchObject({ valid: true })` had shown no reason.
 */
function refusal(v: Verification): string {
  return JSON.stringify({ reason: v.valid ? null : v.reason, signer: v.signer, signedAt: v.signedAt, chain: v.chain, timestamp: v.timestamp });
}

// pg_dump and pg_restore work on a PostgreSQL server; the embedded database is backed up by copying DATA_DIR.
describe.skipIf(!sharedDatabase)('backup and restore', () => {
  const folder = temporaryFolders('orc-backup-');

  test('restored into an empty database and storage, every certificate verifies and every audit chain checks', async () => {
    const [backupDir, restoredFiles] = [folder(), folder()];
    const certificates = [await approvedApplication(), await approvedApplication()];
    const { config, storage } = server.runtime.deps;
    // The audit trail's signed checkpoints live outside the database; the backup must carry those its dump records.
    expect(await writeCheckpoint(server.runtime.deps)).not.toBeNull();
    const [recorded] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_checkpoints`;
    const checkpoints = recorded!.n;
    // Through PgBouncer the app's URL is the pooler's, and pg_dump and pg_restore go to the server itself
    // (DATABASE_DIRECT_URL): their session settings would otherwise be left on a pooled connection, and the app's
    // next query there found no tables (this test failed so before the direct URL existed).
    if (backend === 'pgbouncer') expect(backupDatabaseUrl({ ...config, databaseDirectUrl: undefined })).toBeNull();
    const databaseUrl = backupDatabaseUrl(config)!;
    // Every file the backup writes is on the disk when it returns: an operator deletes older backups once it has.
    const watch = await watchFlushes();
    const manifest = await backup({ databaseUrl, storage, dir: backupDir }).finally(() => watch.stop());
    const flushed = new Set(watch.flushes.filter((f) => f.startsWith('data ')).map((f) => f.slice('data '.length).replace(/\.random\.tmp$/, '')));
    const written = [join(backupDir, 'manifest.json'), ...readdirSync(join(backupDir, 'files'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))];
    expect(written.length).toBe(manifest.files + 1);
    expect(written.filter((path) => !flushed.has(path))).toEqual([]);
    // Every file a row names (scans, previews, certificates; the same scan uploaded twice is one file), each
    // checked against its name.
    const [named] = await server.runtime.deps.sql<{ n: number }[]>`
      select count(distinct sha)::int as n from (
        select sha256 as sha from documents union select preview_sha256 from documents where preview_sha256 is not null
        union select pdf_sha256 from certificates) s`;
    expect(named!.n).toBeGreaterThanOrEqual(3);
    expect(manifest.files).toBeGreaterThanOrEqual(named!.n);
    expect(JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'))).toMatchObject({ format: 'orc-backup-2', files: manifest.files, checkpointsMissing: [] });
    expect(Object.keys(manifest.named ?? {})).toHaveLength(checkpoints);
    // Custom format: pg_restore can list it.
    expect(execFileSync('pg_restore', ['--list', join(backupDir, 'database.dump')], { encoding: 'utf8' })).toContain('TABLE DATA public applications');

    // Never over live data: the running server's own database is refused, and nothing is written.
    await expect(restore({ databaseUrl, storage: createLocalStorage(restoredFiles), dir: backupDir })).rejects.toThrow(/not empty/);
    expect(existsSync(join(restoredFiles, certificates[0]!.slice(0, 2)))).toBe(false);

    // A damaged backup is refused before anything is written: not a database restored beside missing files.
    const damagedDir = mkdtempSync(join(tmpdir(), 'orc-backup-damaged-'));
    const damagedFiles = mkdtempSync(join(tmpdir(), 'orc-restored-damaged-'));
    const damagedTarget = await createTestDatabase();
    try {
      cpSync(backupDir, damagedDir, { recursive: true });
      const [shard] = readdirSync(join(damagedDir, 'files')).sort().reverse(); // the last the restore reads
      const [name] = readdirSync(join(damagedDir, 'files', shard!));
      writeFileSync(join(damagedDir, 'files', shard!, name!), 'not the scan it was');
      await expect(restore({ databaseUrl: damagedTarget.directUrl, storage: createLocalStorage(damagedFiles), dir: damagedDir })).rejects.toThrow(/damaged/);
      // A manifest whose object names would leave their folder is refused the same way: the names become paths.
      const manifestPath = join(damagedDir, 'manifest.json');
      const tampered = JSON.parse(readFileSync(manifestPath, 'utf8')) as { named: Record<string, string> };
      tampered.named = { 'audit-checkpoints/../../../escaped': 'x' };
      writeFileSync(manifestPath, JSON.stringify(tampered));
      await expect(restore({ databaseUrl: damagedTarget.directUrl, storage: createLocalStorage(damagedFiles), dir: damagedDir })).rejects.toThrow(/not one this service writes/);
      const check = await openDatabase({ databaseUrl: damagedTarget.directUrl, dataDir: '' });
      const [tables] = await check.sql<{ n: number }[]>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
      await check.close();
      expect(tables!.n).toBe(0);
      expect(readdirSync(damagedFiles)).toEqual([]);
    } finally {
      await damagedTarget.drop();
      rmSync(damagedDir, { recursive: true, force: true });
      rmSync(damagedFiles, { recursive: true, force: true });
    }

    // A checkpoint the database records but the storage lost (a server restored from a backup made before they were
    // carried) does not stop the backup: it is named in the manifest, and audit:verify names the same gap.
    if (config.storage.kind === 'local') {
      const lost = join(config.storage.dir, 'named', checkpointObjectName(1));
      const kept = readFileSync(lost);
      rmSync(lost);
      const gapDir = mkdtempSync(join(tmpdir(), 'orc-backup-gap-'));
      try {
        expect(await backup({ databaseUrl, storage, dir: gapDir })).toMatchObject({ checkpointsMissing: [1] });
      } finally {
        writeFileSync(lost, kept);
        rmSync(gapDir, { recursive: true, force: true });
      }
    }

    const target = await createTestDatabase();
    const restoredStorage = createLocalStorage(restoredFiles);
    try {
      expect(await restore({ databaseUrl: target.directUrl, storage: restoredStorage, dir: backupDir })).toEqual({ files: manifest.files });
      // Into storage that now holds files, a second restore is refused too.
      const other = await createTestDatabase();
      await expect(restore({ databaseUrl: other.directUrl, storage: restoredStorage, dir: backupDir })).rejects.toThrow(/storage is not empty/);
      await other.drop();

      // The restored database as the app would open it: through the pooler, when there is one.
      const db = await openDatabase({ databaseUrl: target.url, dataDir: '', pooler });
      try {
        const rows = await db.sql<{ certificateNo: string; pdfSha256: string }[]>`select certificate_no, pdf_sha256 from certificates order by certificate_no`;
        expect(rows.map((r) => r.certificateNo)).toEqual([...certificates].sort());
        const trusted = await trustedCaPem(config);
        for (const row of rows) {
          const pdf = await restoredStorage.get(row.pdfSha256);
          expect(pdf, row.certificateNo).not.toBeNull();
          const verified = await verifyCertificatePdf(pdf!, trusted);
          expect(verified.valid || refusal(verified), row.certificateNo).toBe(true);
        }
        const applications = await db.sql<{ id: string }[]>`select id::text from applications`;
        expect(applications.length).toBe(2);
        for (const { id } of applications) {
          const events = await listEvents(db.sql, id);
          expect(events.map((e) => e.action)).toEqual(['submit', 'forward_to_eo', 'submit_report', 'approve']);
          expect(verifyChain(events)).toBeNull();
        }
        const [original] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from application_events`;
        const [copy] = await db.sql<{ n: number }[]>`select count(*)::int as n from application_events`;
        expect(copy!.n).toBe(original!.n);
        // The whole trail checks against its signed checkpoints, as on a new server (no local copies of them): the
        // checkpoints came back with the files. Without them it checked against none, and the restored server's next
        // checkpoint was reported as coming after a missing one: a false alarm of tampering.
        const publicKey = createPublicKey(await districtSealPrivateKey(server.runtime.deps));
        const newServer = { sql: db.sql, config: { ...config, dataDir: restoredFiles }, storage: restoredStorage, secrets: server.runtime.deps.secrets };
        expect(await verifyAudit(newServer, publicKey)).toMatchObject({ events: copy!.n, checkpoints, problems: [] });
      } finally {
        await db.close();
      }
    } finally {
      await target.drop();
    }
  }, 120_000);

  test('the backup carries exactly the checkpoints its dump records, though one is written while pg_dump starts', async () => {
    const { config, storage, sql } = server.runtime.deps;
    await submittedApplication();
    expect(await writeCheckpoint(server.runtime.deps)).not.toBeNull();
    await submittedApplication(); // events the next checkpoint will cover
    // A pg_dump in front of the real one, which holds the backup between the checkpoints it counted and pg_dump's
    // start, so a checkpoint can be written exactly there: the moment the exported snapshot (--snapshot) is for. It
    // gives up if its folder goes, so a failed run cannot leave it waiting.
    const [shim, dir, files] = [folder(), folder(), folder()];
    const path = process.env.PATH;
    let taking: ReturnType<typeof backup> | null = null;
    let target: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
    try {
      const realPgDump = execFileSync('sh', ['-c', 'command -v pg_dump'], { encoding: 'utf8' }).trim();
      writeFileSync(
        join(shim, 'pg_dump'),
        `#!/bin/sh\ntouch '${shim}/started'\nuntil [ -e '${shim}/go' ]; do [ -d '${shim}' ] || exit 1; sleep 0.02; done\nexec '${realPgDump}' "$@"\n`,
        { mode: 0o755 }
      );
      target = await createTestDatabase();
      process.env.PATH = `${shim}:${path}`; // read by backup() when it starts pg_dump
      taking = backup({ databaseUrl: backupDatabaseUrl(config)!, storage, dir });
      for (let i = 0; i < 500 && !existsSync(join(shim, 'started')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(join(shim, 'started'))).toBe(true);
      const late = await writeCheckpoint(server.runtime.deps);
      expect(late).not.toBeNull();
      writeFileSync(join(shim, 'go'), '');
      const manifest = await taking;
      // The late checkpoint is in neither: not in the dump, and not among the objects carried beside it.
      expect(Object.keys(manifest.named ?? {})).toHaveLength(late!.n - 1);
      expect(manifest.checkpointsMissing).toEqual([]);
      await restore({ databaseUrl: target.directUrl, storage: createLocalStorage(files), dir });
      const db = await openDatabase({ databaseUrl: target.directUrl, dataDir: '' });
      try {
        const [restored] = await db.sql<{ n: number }[]>`select coalesce(max(n), 0)::int as n from audit_checkpoints`;
        expect(restored!.n).toBe(late!.n - 1);
      } finally {
        await db.close();
      }
      const [live] = await sql<{ n: number }[]>`select max(n)::int as n from audit_checkpoints`;
      expect(live!.n).toBe(late!.n);
    } finally {
      // Whatever failed, the shim is let go and the backup ends.
      writeFileSync(join(shim, 'go'), '');
      await taking?.catch(() => {});
      process.env.PATH = path;
      await target?.drop();
    }
  }, 120_000);

  test('`npm run backup` and `npm run restore` as an operator runs them: the configuration the server reads, exit codes, what they print', async () => {
    const certificateNo = await approvedApplication();
    const { config } = server.runtime.deps;
    // The test server keeps its files under DATA_DIR (test/integration/object-storage.test.ts covers STORAGE_URL).
    if (config.storage.kind !== 'local') throw new Error('expected the test server to keep its files under DATA_DIR');
    const target = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'orc-backup-cli-'));
    const restoredData = mkdtempSync(join(tmpdir(), 'orc-restored-cli-'));
    // The variables an operator sets: the server's DATABASE_URL (the pooler's, when there is one, and then the
    // server itself in DATABASE_DIRECT_URL) and DATA_DIR; nothing else of the test's environment.
    // Asynchronous, with a time limit: a script that hangs fails the test instead of blocking its worker.
    const run = async (script: string, args: string[], env: Record<string, string>) => {
      const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      return { code, stdout, stderr };
    };
    const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const dataDirOf = (filesDir: string) => join(filesDir, '..');
    const source = { DATABASE_URL: config.databaseUrl!, ...(config.databaseDirectUrl ? { DATABASE_DIRECT_URL: config.databaseDirectUrl, DATABASE_POOLER: 'pgbouncer' } : {}), DATA_DIR: dataDirOf(config.storage.dir) };
    const into = { DATABASE_URL: target.url, ...(backend === 'pgbouncer' ? { DATABASE_DIRECT_URL: target.directUrl, DATABASE_POOLER: 'pgbouncer' } : {}), DATA_DIR: restoredData };
    try {
      const backedUp = await run('backup', [dir], source);
      expect(backedUp.stderr).toBe('');
      expect(backedUp.code).toBe(0);
      expect(backedUp.stdout).toMatch(new RegExp(`^Backed up the database, \\d+ files \\([\\d.]+ MB\\) and \\d+ audit checkpoints into ${quoted(dir)}\\n$`));

      // Without a directory, or onto the live database, nothing is written and the exit code says why.
      expect(await run('restore', [], into)).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: DATABASE_URL=') });
      const refused = await run('restore', [dir], { ...source, DATA_DIR: restoredData });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^Restore refused: .*not empty/);
      expect(readdirSync(restoredData, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())).toEqual([]);

      const restored = await run('restore', [dir], into);
      expect(restored.code).toBe(0);
      expect(restored.stdout).toMatch(new RegExp(`^Restored the database and \\d+ files from ${quoted(dir)}\\n$`));
      const db = await openDatabase({ databaseUrl: target.url, dataDir: '', pooler });
      try {
        const [row] = await db.sql<{ pdfSha256: string }[]>`select pdf_sha256 from certificates where certificate_no = ${certificateNo}`;
        const pdf = await createLocalStorage(join(restoredData, 'files')).get(row!.pdfSha256);
        const verified = await verifyCertificatePdf(pdf!, await trustedCaPem(config));
        expect(verified.valid || refusal(verified)).toBe(true);
      } finally {
        await db.close();
      }
    } finally {
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(restoredData, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('retention', () => {
  test('gateway callbacks, inbound SMS, expired sessions and idle attempt counters go after their configured periods; the rest stays', async () => {
    const { sql } = server.runtime.deps;
    const now = server.clock.now().getTime();
    const ago = (days: number) => new Date(now - days * 86_400_000);
    // Each pair straddles its configured period (beforeAll) and lies on the same side of the default one.
    await sql`insert into gateway_callbacks (key, kind, received_at) values ('old-callback', 'delivery', ${ago(21)}), ('new-callback', 'delivery', ${ago(19)})`;
    await sql`
      insert into sms_inbound (provider, sender, intent, received_at)
      values ('africastalking', '+919000000001', 'status', ${ago(101)}), ('africastalking', '+919000000001', 'status', ${ago(99)})`;
    // Idle limit 30 minutes, absolute 12 hours (the defaults): one live, one ended 4 days ago, one ended 2 days ago.
    await sql`
      insert into sessions (id, secret_hash, user_id, created_at, last_active_at) values
        ('retention-live', '\\x00', 'demo-citizen', ${ago(0)}, ${ago(0)}),
        ('retention-ended-4d', '\\x00', 'demo-citizen', ${ago(4)}, ${ago(4)}),
        ('retention-ended-2d', '\\x00', 'demo-citizen', ${ago(2)}, ${ago(2)})`;
    // Attempt counters are kept 4 days (configured) after their last attempt.
    await sql`
      insert into attempt_counters (key, attempts, window_start_at, last_attempt_at) values
        ('retention:idle-5d', 4, ${ago(5)}, ${ago(5)}),
        ('retention:idle-3d', 4, ${ago(3)}, ${ago(3)})`;

    expect(await purgeExpired(server.runtime.deps)).toEqual({ gatewayCallbacks: 1, smsInbound: 1, sessions: 1, attemptCounters: 1 });
    expect((await sql<{ key: string }[]>`select key from gateway_callbacks where key like '%-callback'`).map((r) => r.key)).toEqual(['new-callback']);
    const [inbound] = await sql<{ n: number }[]>`select count(*)::int as n from sms_inbound where received_at < ${ago(90)}`;
    expect(inbound!.n).toBe(1);
    expect((await sql<{ id: string }[]>`select id from sessions where id like 'retention-%' order by id`).map((r) => r.id)).toEqual(['retention-ended-2d', 'retention-live']);
    expect((await sql<{ key: string }[]>`select key from attempt_counters where key like 'retention:%'`).map((r) => r.key)).toEqual(['retention:idle-3d']);
    // Nothing left to purge the second time.
    expect(await purgeExpired(server.runtime.deps)).toEqual({ gatewayCallbacks: 0, smsInbound: 0, sessions: 0, attemptCounters: 0 });
  });
});
