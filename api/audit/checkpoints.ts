// Signed checkpoints of the audit trail (issue 11; DESIGN §11). The trail's hash chains (api/applications/audit.ts)
// show an edit made by someone who cannot recompute hashes; someone with database rights can rewrite an event with
// session_replication_role=replica (which silences the append-only trigger) and recompute every hash after it. So at
// intervals the server signs, with the district's key, a digest folded over every event's hash in insertion order,
// and keeps it OUTSIDE the database: a file under DATA_DIR/audit/checkpoints and, through the storage interface, an
// object beside the documents (the S3 bucket when that is configured). `npm run audit:verify` recomputes every hash
// and checks the digest at each checkpoint, so a rewrite of anything a checkpoint covered is caught.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS, hashEvent, type StoredEvent } from '../applications/audit.ts';
import { districtSealPrivateKey } from '../signing/seal-key.ts';
import { writeFileDurably } from '../storage/storage.ts';
import type { Deps } from '../deps.ts';

/** What a checkpoint vouches for: the events with ids up to maxEventId, `events` of them, folded into `digest`. */
export interface Checkpoint {
  version: 1;
  n: number;
  maxEventId: string;
  events: number;
  digest: string;
  at: string;
}

interface SignedCheckpoint {
  /** The checkpoint as the JSON text that was signed, so verification checks exactly those bytes. */
  payload: string;
  signature: string;
}

type CheckpointDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'storage' | 'log' | 'secrets'>;

/** The storage's folder of checkpoint objects (a restore refuses storage that already holds any). */
export const CHECKPOINT_OBJECTS = 'audit-checkpoints';
const fileName = (n: number) => `${String(n).padStart(8, '0')}.json`;
/** Checkpoint n's object in the storage (a backup carries them: api/backup/backup.ts). */
export const checkpointObjectName = (n: number) => `${CHECKPOINT_OBJECTS}/${fileName(n)}`;
/** Whether a name is one checkpointObjectName makes: a restore takes names from a backup's manifest. */
export const isCheckpointObjectName = (name: string) => new RegExp(`^${CHECKPOINT_OBJECTS}/\\d{8}\\.json$`).test(name);
const localDir = (deps: Pick<Deps, 'config'>) => join(deps.config.dataDir, 'audit', 'checkpoints');

/** One step of the fold: the digest so far and one event, by its id and stored hash. */
export function foldEvent(digest: string, id: string, hash: string): string {
  return createHash('sha256').update(`${digest}\n${id}\n${hash}`).digest('hex');
}

/**
 * Signs a checkpoint of everything appended since the last one, if anything was. Any number of processes may call
 * it: an advisory lock makes them take turns, and the table says where the last one ended.
 */
export async function writeCheckpoint(deps: CheckpointDeps): Promise<Checkpoint | null> {
  // Under a SHARE lock no transaction is still inserting events, so every id up to this maximum is committed and no
  // smaller one can appear later (an identity taken by a rolled-back insert is simply never there). Held only for
  // this one read.
  const maxEventId = await deps.sql.begin(async (sql) => {
    await sql`lock table application_events in share mode`;
    const [row] = await sql<{ max: string | null }[]>`select max(id)::text as max from application_events`;
    return row!.max;
  });
  if (maxEventId === null) return null;
  const key = await districtSealPrivateKey(deps);
  return deps.sql.begin(async (sql) => {
    await sql`select pg_advisory_xact_lock(hashtextextended('audit_checkpoints', 0))`;
    const [last] = await sql<{ n: number; maxEventId: string; events: string; digest: string }[]>`
      select n, max_event_id::text, events::text, digest from audit_checkpoints order by n desc limit 1`;
    if (last && BigInt(last.maxEventId) >= BigInt(maxEventId)) return null;
    let digest = last?.digest ?? GENESIS;
    let events = Number(last?.events ?? 0);
    let after = last?.maxEventId ?? '0';
    for (;;) {
      const batch = await sql<{ id: string; hash: string }[]>`
        select id::text, hash from application_events where id > ${after} and id <= ${maxEventId} order by id limit 10000`;
      for (const e of batch) digest = foldEvent(digest, e.id, e.hash);
      events += batch.length;
      if (batch.length < 10000) break;
      after = batch[batch.length - 1]!.id;
    }
    const checkpoint: Checkpoint = { version: 1, n: (last?.n ?? 0) + 1, maxEventId, events, digest, at: deps.clock.now().toISOString() };
    const payload = JSON.stringify(checkpoint);
    const signed: SignedCheckpoint = { payload, signature: sign(null, Buffer.from(payload), key).toString('base64url') };
    const bytes = Buffer.from(JSON.stringify(signed) + '\n');
    // Outside the database first: a checkpoint the table records but no file holds would vouch for nothing.
    await writeLocal(deps, checkpoint.n, bytes);
    await deps.storage.putNamed(checkpointObjectName(checkpoint.n), bytes);
    await sql`
      insert into audit_checkpoints (n, max_event_id, events, digest, at, signature)
      values (${checkpoint.n}, ${maxEventId}, ${events}, ${digest}, ${checkpoint.at}, ${signed.signature})`;
    return checkpoint;
  });
}

/**
 * The local copy, on disk before the checkpoint's row commits (writeFileDurably): after a power cut an empty file here
 * would read as a checkpoint not signed with the district key, a false alarm of tampering with the audit trail.
 */
async function writeLocal(deps: Pick<Deps, 'config'>, n: number, bytes: Buffer): Promise<void> {
  await writeFileDurably(join(localDir(deps), fileName(n)), bytes, { file: 0o600, folder: 0o700 });
}

/** Writes a checkpoint every `intervalMs` in this process; failures are logged and tried again next time. */
export function startCheckpointer(deps: CheckpointDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = writeCheckpoint(deps)
      .then((c) => c && deps.log.info('audit_checkpoint', { n: c.n, events: c.events }))
      .catch((err: unknown) => deps.log.error('audit_checkpoint_failed', { error: err instanceof Error ? err.message : String(err) }));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    }
  };
}

export interface AuditReport {
  events: number;
  applications: number;
  checkpoints: number;
  /** Empty when the trail is intact and every checkpoint holds. */
  problems: string[];
}

/**
 * Recomputes every event's hash and chain link, and the fold at every checkpoint found outside the database (both
 * places; where both hold a checkpoint they must agree), each checked against the district's public key.
 */
export async function verifyAudit(deps: Pick<Deps, 'sql' | 'config' | 'storage' | 'secrets'>, publicKey?: KeyObject): Promise<AuditReport> {
  const problems: string[] = [];
  const key = publicKey ?? createPublicKey(await districtSealPrivateKey(deps));
  const found = new Map<number, { checkpoint: Checkpoint; raw: string; where: string }>();
  const sources: { where: string; read: () => Promise<{ name: string; bytes: Buffer | null }[]> }[] = [
    {
      where: localDir(deps),
      read: async () => {
        const names = (await readdir(localDir(deps)).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
        return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(localDir(deps), name)).catch(() => null) })));
      }
    },
    {
      where: `storage:${CHECKPOINT_OBJECTS}`,
      read: async () => Promise.all((await deps.storage.listNamed(CHECKPOINT_OBJECTS)).map(async (name) => ({ name, bytes: await deps.storage.getNamed(name) })))
    }
  ];
  for (const source of sources) {
    for (const { name, bytes } of await source.read()) {
      const opened = openCheckpoint(key, bytes);
      if (!opened) {
        problems.push(`${source.where}/${name.split('/').pop()}: not a checkpoint signed with the district key`);
        continue;
      }
      const earlier = found.get(opened.n);
      if (earlier && earlier.raw !== JSON.stringify(opened)) problems.push(`checkpoint ${opened.n} differs between ${earlier.where} and ${source.where}`);
      else found.set(opened.n, { checkpoint: opened, raw: JSON.stringify(opened), where: source.where });
    }
  }
  const checkpoints = [...found.values()].map((f) => f.checkpoint).sort((a, b) => a.n - b.n);
  checkpoints.forEach((c, i) => i + 1 !== c.n && problems.push(`checkpoint ${i + 1} is missing before checkpoint ${c.n}`));

  const heads = new Map<string, { seq: number; hash: string }>();
  let digest = GENESIS;
  let events = 0;
  let next = 0; // the next checkpoint to check
  const checkUpTo = (id: bigint | null) => {
    // Every checkpoint whose range ends before this event (or at the end of the trail) is complete now.
    while (next < checkpoints.length && (id === null || BigInt(checkpoints[next]!.maxEventId) < id)) {
      const c = checkpoints[next]!;
      if (c.digest !== digest || c.events !== events) {
        problems.push(`checkpoint ${c.n} (${c.at}, events up to id ${c.maxEventId}) does not match the events now in the database: an event it covered was changed, removed or added`);
      }
      next += 1;
    }
  };
  let after = '0';
  for (;;) {
    const batch = await deps.sql<(StoredEvent & { id: string })[]>`
      select id::text, application_id::text, seq, actor_id, actor_role, action, from_status, to_status, remarks, channel, at, prev_hash, hash, capacity
      from application_events where id > ${after} order by id limit 10000`;
    for (const e of batch) {
      checkUpTo(BigInt(e.id));
      const head = heads.get(e.applicationId);
      if ((head?.seq ?? 0) + 1 !== e.seq || e.prevHash !== (head?.hash ?? GENESIS)) problems.push(`application ${e.applicationId}: event ${e.seq} does not follow the one before it`);
      if (hashEvent(e) !== e.hash) problems.push(`application ${e.applicationId}: event ${e.seq} does not match its hash`);
      heads.set(e.applicationId, { seq: e.seq, hash: e.hash });
      digest = foldEvent(digest, e.id, e.hash);
      events += 1;
    }
    if (batch.length < 10000) break;
    after = batch[batch.length - 1]!.id;
  }
  checkUpTo(null);
  return { events, applications: heads.size, checkpoints: checkpoints.length, problems };
}

function openCheckpoint(key: KeyObject, bytes: Buffer | null): Checkpoint | null {
  try {
    const signed = JSON.parse(String(bytes)) as SignedCheckpoint;
    if (typeof signed.payload !== 'string' || typeof signed.signature !== 'string') return null;
    if (!verify(null, Buffer.from(signed.payload), key, Buffer.from(signed.signature, 'base64url'))) return null;
    const c = JSON.parse(signed.payload) as Checkpoint;
    return c.version === 1 && Number.isInteger(c.n) && c.n > 0 ? c : null;
  } catch {
    return null;
  }
}
