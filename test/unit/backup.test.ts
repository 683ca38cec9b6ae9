// Where pg_dump and pg_restore connect (api/backup/backup.ts): never through a transaction-mode PgBouncer, whose
// pooled server connections would keep their session settings.
import { describe, expect, test } from 'vitest';
import { backupDatabaseUrl } from '../../api/backup/backup.ts';
import { loadConfig } from '../../api/config.ts';

describe('backupDatabaseUrl', () => {
  test('without a pooler, DATABASE_URL itself', () => {
    expect(backupDatabaseUrl(loadConfig({ DATABASE_URL: 'postgres://db/orc' }))).toBe('postgres://db/orc');
  });
  test('behind PgBouncer, DATABASE_DIRECT_URL, and none without it', () => {
    const pooled = { DATABASE_URL: 'postgres://pgbouncer:6432/orc', DATABASE_POOLER: 'pgbouncer' };
    expect(backupDatabaseUrl(loadConfig({ ...pooled, DATABASE_DIRECT_URL: 'postgres://db:5432/orc' }))).toBe('postgres://db:5432/orc');
    expect(backupDatabaseUrl(loadConfig(pooled))).toBeNull();
  });
  test('the embedded database has none: it is backed up by copying DATA_DIR', () => {
    expect(backupDatabaseUrl(loadConfig({}))).toBeNull();
  });
});
