// Shared pieces of the benchmarks: a fresh PostgreSQL database, the real server in its own process, a logged-in
// cookie. Benchmarks print figures; they assert nothing about speed (DEVELOPERS.md: machines here are noisy).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { makeAin } from '../../shared/ain.ts';
import { createTestDatabase } from '../support/server.ts';

export interface BenchServer {
  url: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export async function startServer(port: number, env: Record<string, string> = {}): Promise<BenchServer> {
  const db = await createTestDatabase();
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROFILE] : []), '--import', 'tsx', 'server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: db.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'orc-bench-')),
      LOG_LEVEL: 'info', // request logs are part of the real cost; they go to /dev/null here
      ...env
    },
    stdio: ['ignore', process.env.BENCH_LOGS ? 'inherit' : 'ignore', 'inherit']
  });
  const url = `http://localhost:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url + '/api/health')).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    databaseUrl: db.url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await db.drop();
    }
  };
}

export async function login(url: string, userId: string, password = 'demo-password'): Promise<string> {
  const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: userId, password }) });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `count` submitted applications of the demo citizen in Barasat I, straight into the table; returns their AINs. */
export async function seedApplications(databaseUrl: string, count: number): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const ains: string[] = [];
  for (let batch = 0; batch < count / 10_000; batch++) {
    const rows = Array.from({ length: Math.min(10_000, count - batch * 10_000) }, (_, i) => makeAin(2026, '11', '002', batch * 10_000 + i + 1));
    ains.push(...rows);
    await sql`
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at, updated_at, idempotency_key, request_hash)
      select a, 'submitted', 'demo-citizen', 'demo-citizen', 'web', 'n24pgs/barasat-sadar/barasat-i', 'Bench Applicant', '{}'::jsonb, now(), now() + interval '5 days', now(), 'bench-' || a, 'x'
      from unnest(${rows}::text[]) as a`;
  }
  await sql`analyze applications`;
  await sql.end();
  return ains;
}
