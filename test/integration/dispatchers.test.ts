// Two dispatcher processes on one real PostgreSQL send each of 1,000 messages exactly once (DESIGN §2, §8): the
// claim is FOR UPDATE SKIP LOCKED with a lease, so they share the work and never take the same row.
import { spawn, type ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../api/db/migrate.ts';
import { startAfricasTalkingMock, type AfricasTalkingMock } from '../mocks/africastalking.ts';
import { createTestDatabase, poolerEnv, sharedDatabase } from '../support/server.ts';
import { temporaryFolders } from '../support/folders.ts';

const API_KEY = 'at-key-dispatchers';
const COUNT = 1000;

// PGlite is one database inside one process: two processes cannot share it, so this runs on PostgreSQL only.
describe.skipIf(!sharedDatabase)('two dispatcher processes on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: postgres.Sql;
  let at: AfricasTalkingMock;
  const newDataDir = temporaryFolders('orc-dispatch-');
  let dataDir = '';

  beforeAll(async () => {
    dataDir = newDataDir();
    db = await createTestDatabase();
    sql = postgres(...postgresOptions(db.url, { max: 2, onnotice: () => {}, prepare: !poolerEnv.DATABASE_POOLER }));
    await migrate(sql);
    at = await startAfricasTalkingMock(API_KEY);
    at.delayMs = 2;
  });
  afterAll(async () => {
    await sql?.end();
    await at?.stop();
    await db?.drop();
  });

  function startDispatcher(): { child: ChildProcess; output: Promise<string> } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/dispatcher-process.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        ...poolerEnv,
        DATA_DIR: dataDir,
        SMS_PROVIDER: 'africastalking',
        AFRICASTALKING_USERNAME: 'edistrict',
        AFRICASTALKING_API_KEY: API_KEY,
        AFRICASTALKING_SMS_URL: at.smsUrl
      },
      stdio: ['ignore', 'pipe', 'inherit']
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    return { child, output: new Promise((resolve) => child.on('exit', () => resolve(out))) };
  }

  test('each of 1,000 messages is sent exactly once, and both processes do part of the work', async () => {
    await sql`
      insert into outbox (channel, recipient, lang, template, template_id, body, next_attempt_at, created_at)
      select 'sms', '+9198300' || lpad(g::text, 5, '0'), 'en', 'status_reply', '1107170000000000201', 'message ' || g, now(), now()
      from generate_series(1, ${COUNT}) g`;
    const a = startDispatcher();
    const b = startDispatcher();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = await sql<{ left: number }[]>`select count(*)::int as left from outbox where status <> 'sent'`;
      if (row!.left === 0) break;
      if (Date.now() > deadline) throw new Error(`${row!.left} messages still unsent`);
      await new Promise((r) => setTimeout(r, 200));
    }
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    const counts = (await Promise.all([a.output, b.output])).map((o) => Number(/sent (\d+)/.exec(o)?.[1] ?? NaN));

    expect(at.messages).toHaveLength(COUNT);
    expect(new Set(at.messages.map((m) => m.message)).size).toBe(COUNT);
    expect(counts[0]! + counts[1]!).toBe(COUNT);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    const [ids] = await sql<{ distinct: number; attempts: number }[]>`select count(distinct provider_id)::int as distinct, max(attempts)::int as attempts from outbox`;
    expect(ids).toEqual({ distinct: COUNT, attempts: 1 });
  });
});
