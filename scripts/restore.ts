// npm run restore -- DIR: a backup made by `npm run backup` into the database at DATABASE_URL and the storage of
// DATA_DIR or STORAGE_URL, both of which must be empty (create a new database first: createdb …). Then start the
// server as usual; the secrets (AADHAAR_KEY, signing credentials, DISTRICT_SEAL_KEY) are restored separately.
import { backupDatabaseUrl, restore } from '../api/backup/backup.ts';
import { loadConfig } from '../api/config.ts';
import { openStorage } from '../api/storage/storage.ts';

const config = loadConfig();
const dir = process.argv[2];
if (!dir || !config.databaseUrl) {
  console.error('Usage: DATABASE_URL=postgres://…/new_empty_db npm run restore -- BACKUP_DIR');
  process.exit(2);
}
// pg_restore, like pg_dump, must reach PostgreSQL itself, not a transaction-mode pooler (api/backup/backup.ts).
const databaseUrl = backupDatabaseUrl(config);
if (!databaseUrl) {
  console.error('Behind PgBouncer (DATABASE_POOLER=pgbouncer), npm run restore needs DATABASE_DIRECT_URL: the new, empty database on the PostgreSQL server itself.');
  process.exit(2);
}
try {
  const { files } = await restore({ databaseUrl, storage: await openStorage(config.storage), dir });
  console.log(`Restored the database and ${files} files from ${dir}`);
} catch (err) {
  console.error('Restore refused:', err instanceof Error ? err.message : err);
  process.exit(1);
}
