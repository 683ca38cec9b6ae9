import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../api/db/connect.ts';
import { migrate, readMigrations } from '../../api/db/migrate.ts';
import { openStatuses, pendingStatuses } from '../../shared/workflow.ts';
import { createTestDatabase, pooler, sharedDatabase } from '../support/server.ts';

let databases: Database[] = [];
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  if (sharedDatabase) {
    const db = await createTestDatabase();
    // Two separate pools, as two processes starting at the same moment would have.
    databases = [await openDatabase({ databaseUrl: db.url, dataDir: '', pooler }), await openDatabase({ databaseUrl: db.url, dataDir: '', pooler })];
    cleanup = () => db.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'orc-migrate-'));
    databases = [await openDatabase({ dataDir: dir })];
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  for (const d of databases) await d.close();
  await cleanup();
});

describe('migrations', () => {
  test('two processes migrating at once apply each migration exactly once', async () => {
    const runs = await Promise.all([migrate(databases[0]!.sql), migrate(databases.at(-1)!.sql)]);
    const all = readMigrations().map((m) => m.name);
    expect(runs.flat().sort()).toEqual(all);
    const recorded = await databases[0]!.sql<{ name: string }[]>`select name from schema_migrations order by name`;
    expect(recorded.map((r) => r.name)).toEqual(all);
    expect(await migrate(databases[0]!.sql)).toEqual([]);
  });

  test('an applied migration that was edited stops the start instead of silently diverging', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(databases[0]!.sql, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  test('a failing migration leaves nothing half-applied', async () => {
    const broken = [...readMigrations(), { name: '999_broken.sql', sql: 'create table half_done (x int); select * from no_such_table;', checksum: 'x' }];
    await expect(migrate(databases[0]!.sql, broken)).rejects.toThrow();
    const [row] = await databases[0]!.sql<{ exists: boolean }[]>`select to_regclass('half_done') is not null as exists`;
    expect(row!.exists).toBe(false);
  });

  // shared/workflow.ts names the open statuses once; a partial index must spell them out (migrations/014).
  test.each([
    ['applications_open_step_due', openStatuses],
    ['applications_open_l1_due', openStatuses],
    ['applications_pending_office', pendingStatuses]
  ])('the partial index %s covers exactly the named statuses', async (name, named) => {
    const [index] = await databases[0]!.sql<{ indexdef: string }[]>`select indexdef from pg_indexes where indexname = ${name}`;
    const predicate = index!.indexdef.split(' WHERE ')[1] ?? '';
    expect([...predicate.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort()).toEqual([...named].sort());
  });
});
