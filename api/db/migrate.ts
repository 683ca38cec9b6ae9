// Forward-only migrations: numbered .sql files in migrations/, each applied once and recorded with its checksum.
// All pending files run in one transaction under a transaction-scoped advisory lock, so two processes starting
// together apply them once: the second waits for the lock, then finds nothing left to do.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from './connect.ts';

export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');
const LOCK_KEY = 4_411_001; // any constant shared by every process of this application

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies pending migrations and returns the names it applied. */
export async function migrate(sql: Sql, migrations = readMigrations()): Promise<string[]> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`
      create table if not exists schema_migrations (
        name       text primary key,
        checksum   text not null,
        applied_at timestamptz not null default now()
      )`;
    const applied = new Map(
      (await tx<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`).map((r) => [
        r.name,
        r.checksum
      ])
    );
    const done: string[] = [];
    for (const m of migrations) {
      const known = applied.get(m.name);
      if (known !== undefined) {
        // Editing an applied migration would leave databases that differ silently: refuse to start instead.
        if (known !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied; add a new one.`);
        continue;
      }
      await tx.unsafe(m.sql);
      await tx`insert into schema_migrations (name, checksum) values (${m.name}, ${m.checksum})`;
      done.push(m.name);
    }
    return done;
  });
}
