// The fault suite's pieces (issue 11 item 11): the real server (`server.ts`, as an operator runs it) in its own
// process, a write load of submissions that retries each one with the same Idempotency-Key until it is
// acknowledged, and the count that compares what was acknowledged with what the database holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { documentKinds } from '../../shared/application.ts';
import { embeddedSocketPath } from '../../api/db/connect.ts';
import { proofs, validApplicant } from '../support/applications.ts';
import { temporaryFolders } from '../support/folders.ts';
import { productionNodeFlags } from '../support/node-flags.ts';
import { freePort } from '../support/ports.ts';

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

// Every DATA_DIR made here goes when the test file is done, not with its server: tests restart a server on the same
// DATA_DIR (the embedded database, its files) to see what survived.
const newDataDir = temporaryFolders('orc-fault-');

/** Starts `server.ts` as `npm start` does, its V8 flags included, in development mode (demo accounts), and waits until it listens. */
export async function startServerProcess(env: Record<string, string>, opts: { port?: number; dataDir?: string; preload?: string } = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? newDataDir();
  const child = spawn(process.execPath, [...productionNodeFlags(), '--import', 'tsx', ...(opts.preload ? ['--import', opts.preload] : []), 'server.ts'], {
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', SLA_SWEEP_INTERVAL_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    })
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (!running) throw new Error(`server exited before listening:\n${out}`);
    try {
      if ((await fetch(url + '/api/health/live')).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error(`server did not start:\n${out}`);
    await sleep(200);
  }
  return { url, port, dataDir, child, output: () => out, exited, alive: () => running };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's database, from outside: the URL, or the embedded database's socket in DATA_DIR. */
export function databaseOf(server: { dataDir: string }, databaseUrl?: string) {
  return databaseUrl
    ? postgres(...postgresOptions(databaseUrl, { max: 1, onnotice: () => {} }))
    : postgres({ path: embeddedSocketPath(server.dataDir), user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
}

/**
 * Document rows for `count` applications of `userId`, straight in the table (the uploads are not what is tested,
 * and 1,000 of them through sharp would take the suite's whole budget). Returns one complete set per application.
 */
export async function seedDocumentSets(sql: postgres.Sql, userId: string, count: number): Promise<string[][]> {
  const sha = 'a'.repeat(64);
  const rows = await sql<{ id: string }[]>`
    insert into documents (uploaded_by, kind, proof, sha256, size, mime, created_at)
    select ${userId}, k.kind, k.proof, ${sha}, 1000, 'image/jpeg', now()
    from generate_series(1, ${count}) g,
         unnest(${documentKinds}::text[], ${documentKinds.map((k) => proofs[k])}::text[]) as k(kind, proof)
    order by g, k.kind
    returning id::text`;
  const sets: string[][] = [];
  for (let i = 0; i < count; i++) sets.push(rows.slice(i * documentKinds.length, (i + 1) * documentKinds.length).map((r) => r.id));
  return sets;
}

export async function loginCookie(url: string, userId = 'demo-citizen', password = 'demo-password'): Promise<string> {
  for (;;) {
    const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: userId, password }) });
    if (res.status === 200) return res.headers.get('set-cookie')!.split(';')[0]!;
    if (res.status !== 503) throw new Error(`login: ${res.status} ${await res.text()}`);
    await sleep(500);
  }
}

export interface LoadResult {
  sent: number;
  /** Idempotency-Key → the AIN the server acknowledged (201, or 200 for a replay). */
  acknowledged: Map<string, string>;
  /** Keys for which two answers named different AINs (two processes racing one submission). */
  conflicts: number;
  statuses: Map<number | 'network', number>;
  /** 503 answers that carried Retry-After, out of all 503 answers. */
  retryAfter: { with: number; of: number };
  keys: string[];
}

/**
 * Submits one application per document set, `concurrency` at a time. Each attempt goes to every URL `targets()`
 * gives at once (one URL normally; two processes racing the same submission in the two-process test). An attempt
 * is retried with the same Idempotency-Key after a 503 or a broken connection, as the PWA's outbox does, until
 * acknowledged or until `deadline`. `onAck` sees the running count, for tests that strike at a point of the load.
 */
export async function submissionLoad(opts: {
  targets: () => string[];
  cookie: () => string;
  documentSets: string[][];
  concurrency: number;
  deadline: number;
  onAck?: (n: number) => void;
  /** Every answer's status, as it comes. */
  onAnswer?: (status: number | 'network') => void;
  /** Statuses that are counted and retried rather than failing the load (a full disk's answer, for one). */
  retryAlso?: number[];
}): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, acknowledged: new Map(), conflicts: 0, statuses: new Map(), retryAfter: { with: 0, of: 0 }, keys: [] };
  const count = (s: number | 'network') => result.statuses.set(s, (result.statuses.get(s) ?? 0) + 1);
  const attempt = async (url: string, key: string, body: string): Promise<{ status: number | 'network'; ain?: string }> => {
    try {
      const res = await fetch(url + '/api/applications', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, cookie: opts.cookie() },
        body,
        signal: AbortSignal.timeout(30_000)
      });
      const answer = (await res.json().catch(() => null)) as { ain?: string } | null;
      if (res.status === 503) {
        result.retryAfter.of += 1;
        if (res.headers.get('retry-after')) result.retryAfter.with += 1;
      }
      count(res.status);
      opts.onAnswer?.(res.status);
      return { status: res.status, ain: answer?.ain };
    } catch {
      count('network');
      opts.onAnswer?.('network');
      return { status: 'network' };
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < opts.documentSets.length) {
      const documents = opts.documentSets[next++]!;
      const key = 'fault-' + randomUUID();
      result.keys.push(key);
      result.sent += 1;
      const body = JSON.stringify({ applicant: validApplicant({ name: 'Fault Test' }), documents });
      while (Date.now() < opts.deadline) {
        const answers = await Promise.all(opts.targets().map((url) => attempt(url, key, body)));
        const acked = answers.filter((a) => (a.status === 200 || a.status === 201) && a.ain);
        if (new Set(acked.map((a) => a.ain)).size > 1) result.conflicts += 1;
        if (acked.length) {
          result.acknowledged.set(key, acked[0]!.ain!);
          opts.onAck?.(result.acknowledged.size);
          break;
        }
        // 503 (database away) and a dropped connection (server killed) are retried; anything else is a finding.
        const unexpected = answers.find((a) => a.status !== 503 && a.status !== 'network' && !opts.retryAlso?.includes(a.status));
        if (unexpected) throw new Error(`submission answered ${unexpected.status}`);
        await sleep(200);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return result;
}

export interface Tally {
  sent: number;
  acknowledged: number;
  stored: number;
  duplicates: number;
  lost: number;
  mismatched: number;
  conflicts: number;
}

/**
 * What the database holds for the load's keys: stored (applications with one of the keys), duplicates (a key, or
 * a document set, stored more than once), lost (acknowledged but absent) and mismatched (stored under another AIN
 * than the one acknowledged).
 */
export async function tally(sql: postgres.Sql, load: LoadResult): Promise<Tally> {
  const rows = await sql<{ idempotency_key: string; ain: string }[]>`select idempotency_key, ain from applications where idempotency_key in ${sql(load.keys)}`;
  const byKey = new Map<string, string[]>();
  for (const r of rows) byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r.ain]);
  const [docs] = await sql<{ doubled: number }[]>`
    select count(*)::int as doubled from (
      select d.id from documents d join applications a on a.id = d.application_id
      where a.idempotency_key in ${sql(load.keys)} group by d.id having count(*) > 1) x`;
  let lost = 0;
  let mismatched = 0;
  for (const [key, ain] of load.acknowledged) {
    const stored = byKey.get(key);
    if (!stored) lost += 1;
    else if (!stored.includes(ain)) mismatched += 1;
  }
  return {
    sent: load.sent,
    acknowledged: load.acknowledged.size,
    stored: rows.length,
    duplicates: rows.length - byKey.size + docs!.doubled,
    lost,
    mismatched,
    conflicts: load.conflicts
  };
}

export function report(name: string, t: Tally, extra: Record<string, unknown> = {}): string {
  const more = Object.entries(extra)
    .map(([k, v]) => ` / ${k} ${String(v)}`)
    .join('');
  const line = `[fault] ${name}: sent ${t.sent} / acknowledged ${t.acknowledged} / stored ${t.stored} / duplicates ${t.duplicates} / lost ${t.lost}${more}`;
  console.log(line);
  return line;
}

export function statusSummary(load: LoadResult): string {
  return [...load.statuses.entries()].map(([s, n]) => `${s}×${n}`).join(' ');
}
