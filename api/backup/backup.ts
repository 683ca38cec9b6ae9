// `npm run backup` and `npm run restore` (DESIGN §15): the database as pg_dump's custom format and every stored file,
// so a district can be rebuilt on a new server. A backup is a directory:
//   database.dump   pg_dump -Fc (restored with pg_restore, which can also pick single tables out of it)
//   files/<2 hex>/<sha256>   every file the storage holds, whatever the storage (local directory or S3)
//   named/audit-checkpoints/…   the audit trail's signed checkpoints (api/audit/checkpoints.ts) the dump records
//   manifest.json   when, what, how many, so a restore can check it has everything
// Files are content-addressed: each is checked against its name on the way out and on the way in, so a damaged copy
// is found at backup or restore time, not when a citizen asks for a certificate. The secrets (Aadhaar key, signing
// credentials, seal key) are not in it: they live in the environment or an HSM, and are kept apart on purpose.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { CHECKPOINT_OBJECTS, checkpointObjectName, isCheckpointObjectName } from '../audit/checkpoints.ts';
import type { Config } from '../config.ts';
import { parseLibpqUri, postgresOptions } from '../db/url.ts';
import { makeFolderDurably, sha256Hex, writeFileDurably, type Storage } from '../storage/storage.ts';

const run = promisify(execFile);

/**
 * 2 (6 Dec 2026) adds the audit checkpoints. A restore of this version reads both; an older one refuses a 2 rather
 * than restore it without its checkpoints.
 */
const FORMATS = ['orc-backup-1', 'orc-backup-2'] as const;

export interface Manifest {
  format: (typeof FORMATS)[number];
  createdAt: string;
  database: string;
  files: number;
  bytes: number;
  /** Named objects (the audit checkpoints), each with its SHA-256. Absent in version 1. */
  named?: Record<string, string>;
  /**
   * Checkpoints the dumped database records but the storage did not hold (a server restored from a version 1
   * backup, or damaged storage). The backup is taken all the same: `npm run audit:verify` on the restored server
   * names the same gap as on this one.
   */
  checkpointsMissing?: number[];
}

/**
 * Where pg_dump and pg_restore connect: PostgreSQL itself, never a PgBouncer in transaction mode. Both start by
 * setting search_path to '' for their whole session (pg_dump also its timeouts, DateStyle and more), outside any
 * transaction. Through the pooler those settings stay on whichever server connection took them, which goes back to
 * the pool: the app's next query there finds no tables ("relation … does not exist"; with the app busy, 5 of 10
 * pg_dump runs through the test pooler left such a connection behind). And pg_dump's snapshot transaction may run on
 * another server connection, without its settings. So behind a pooler they need DATABASE_DIRECT_URL; null when
 * there is no URL they may use.
 */
export function backupDatabaseUrl(config: Pick<Config, 'databaseUrl' | 'databasePooler' | 'databaseDirectUrl'>): string | null {
  if (config.databaseDirectUrl) return config.databaseDirectUrl;
  return config.databasePooler === 'none' ? (config.databaseUrl ?? null) : null;
}

/** The URL for pg_dump and pg_restore without its password, which goes in PGPASSWORD: never on a command line `ps` shows. */
function libpq(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = parseLibpqUri(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, PGCONNECT_TIMEOUT: '10', ...(password ? { PGPASSWORD: password } : {}) } };
}

export async function backup(opts: { databaseUrl: string; storage: Storage; dir: string; now?: Date }): Promise<Manifest> {
  await makeFolderDurably(join(opts.dir, 'files')); // and the backup's own folder, where pg_dump writes
  // One consistent snapshot of the database: pg_dump reads the snapshot this transaction exports, and the number of
  // audit checkpoints is read in it too, so the backup carries exactly the checkpoints its dump records. One written
  // after the snapshot would vouch for events the dump lacks (a false alarm of tampering after a restore); one the
  // dump records but the backup lacked was reported missing as soon as the restored server wrote the next one.
  // Files are added after the dump, so every file a dumped row names is already stored (files are written before the
  // row that names them), and so is every checkpoint's object (written before its row).
  const db = libpq(opts.databaseUrl);
  const sql = postgres(...postgresOptions(opts.databaseUrl, { max: 1, onnotice: () => {} }));
  let checkpoints: number;
  try {
    checkpoints = await sql.begin('isolation level repeatable read read only', async (tx) => {
      // This session waits, idle in its transaction, for as long as pg_dump runs; a server-wide limit on that must
      // not end it (the dump would succeed, and the backup fail).
      await tx`set local idle_in_transaction_session_timeout = 0`;
      const [{ snapshot }] = (await tx`select pg_export_snapshot() as snapshot`) as unknown as [{ snapshot: string }];
      const [{ n }] = (await tx`select coalesce(max(n), 0)::int as n from audit_checkpoints`) as unknown as [{ n: number }];
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--snapshot', snapshot, '--file', join(opts.dir, 'database.dump'), '--dbname', db.dbname], { env: db.env });
      return n;
    });
  } finally {
    await sql.end();
  }
  let files = 0;
  let bytes = 0;
  for await (const sha of opts.storage.list()) {
    const content = await opts.storage.get(sha);
    if (!content) continue; // removed meanwhile (the janitor's unattached uploads); a file that cannot be read throws
    if (sha256Hex(content) !== sha) throw new Error(`stored file ${sha} does not match its digest: storage damaged`);
    // Each copy on disk before the next (writeFileDurably): an operator who deletes the older backups once this one
    // has finished must not be left, after a power cut, with a backup of empty files.
    await writeFileDurably(join(opts.dir, 'files', sha.slice(0, 2), sha), content);
    files += 1;
    bytes += content.length;
  }
  const named: Record<string, string> = {};
  const checkpointsMissing: number[] = [];
  for (let n = 1; n <= checkpoints; n++) {
    const name = checkpointObjectName(n);
    const content = await opts.storage.getNamed(name);
    if (!content) {
      checkpointsMissing.push(n);
      continue;
    }
    await writeFileDurably(join(opts.dir, 'named', name), content);
    named[name] = sha256Hex(content);
  }
  const manifest: Manifest = { format: 'orc-backup-2', createdAt: (opts.now ?? new Date()).toISOString(), database: 'database.dump', files, bytes, named, checkpointsMissing };
  // Last, and on disk (pg_dump has flushed its own file): a backup with a manifest is a whole one.
  await writeFileDurably(join(opts.dir, 'manifest.json'), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  return manifest;
}

/**
 * Into an empty database and an empty storage only: restoring over live data would mix two histories (and two
 * audit chains). Refuses, writing nothing, when either holds anything, or when any file of the backup does not match
 * its digest or its count: the whole backup is checked before anything is written. Then the files, then the
 * database in one transaction, last: a restore cut off midway (a full disk, a lost connection) leaves an empty
 * database, never rows naming files that are not there, and the error says what it left and what to do.
 */
export async function restore(opts: { databaseUrl: string; storage: Storage; dir: string }): Promise<{ files: number }> {
  const manifest = JSON.parse(await readFile(join(opts.dir, 'manifest.json'), 'utf8')) as Manifest;
  if (!FORMATS.includes(manifest.format) || manifest.database !== 'database.dump') throw new Error(`${opts.dir} is not a backup of this service`);
  // Names come from the manifest, and become paths: only the checkpoints' own names (never `..`) are taken.
  const named = Object.entries(manifest.named ?? {});
  for (const [name] of named) {
    if (!isCheckpointObjectName(name)) throw new Error(`backup object ${name} is not one this service writes: the backup is damaged`);
  }
  const tables = async () => {
    const sql = postgres(...postgresOptions(opts.databaseUrl, { max: 1, onnotice: () => {} }));
    try {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
      return row!.n;
    } finally {
      await sql.end();
    }
  };
  if ((await tables()) > 0) throw new Error('the target database is not empty: restore only into a new, empty database');
  for await (const sha of opts.storage.list()) throw new Error(`the target storage is not empty (it holds ${sha}): restore only into empty storage`);
  const [held] = await opts.storage.listNamed(CHECKPOINT_OBJECTS);
  if (held) throw new Error(`the target storage is not empty (it holds ${held}): restore only into empty storage`);

  // The whole backup checked first: every file against its name, the named objects against the manifest's digests.
  const files: string[] = [];
  for (const shard of await readdir(join(opts.dir, 'files'))) {
    for (const name of await readdir(join(opts.dir, 'files', shard))) {
      const path = join(opts.dir, 'files', shard, name);
      if (sha256Hex(await readFile(path)) !== name) throw new Error(`backup file ${name} does not match its digest: the backup is damaged`);
      files.push(path);
    }
  }
  if (files.length !== manifest.files) throw new Error(`the backup lists ${manifest.files} files but holds ${files.length}`);
  const checkpoints = new Map<string, Buffer>(); // a few hundred bytes each: kept, so what is put is what was checked
  for (const [name, sha] of named) {
    const content = await readFile(join(opts.dir, 'named', name)).catch(() => null);
    if (!content || sha256Hex(content) !== sha) throw new Error(`backup object ${name} is missing or does not match its digest: the backup is damaged`);
    checkpoints.set(name, content);
  }

  try {
    for (const path of files) {
      // Read again to be put: checked again by the digest the storage computes.
      const name = basename(path);
      if ((await opts.storage.put(await readFile(path))) !== name) throw new Error(`backup file ${name} changed while it was restored`);
    }
    for (const [name, content] of checkpoints) await opts.storage.putNamed(name, content);
    const db = libpq(opts.databaseUrl);
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--dbname', db.dbname, join(opts.dir, manifest.database)], { env: db.env });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // pg_restore runs in one transaction, so the database is empty unless it was the answer to COMMIT that was lost.
    const left = await tables().catch(() => null);
    const database = left === 0 ? 'the database was left empty' : left === null ? 'whether the database was restored could not be checked' : 'the database was restored nonetheless';
    throw new Error(`restore stopped midway (${reason}); ${database}, and the storage may hold some of the backup's files: empty both and run the restore again`, { cause: err });
  }
  return { files: files.length };
}
