// npm run restore -- DIR: a backup made by `npm run backup` into the database at DATABASE_URL and the storage of
// DATA_DIR or STORAGE_URL, both of which must be empty (create a new database first: createdb …). Then start the
// server as usual; the secrets (AADHAAR_KEY, signing credentials, DISTRICT_SEAL_KEY) are restored separately.
import { restore } from '../api/backup/backup.ts';
import { loadConfig } from '../api/config.ts';
import { openStorage } from '../api/storage/storage.ts';

const config = loadConfig();
const dir = process.argv[2];
if (!dir || !config.databaseUrl) {
  console.error('Usage: DATABASE_URL=postgres://…/new_empty_db npm run restore -- BACKUP_DIR');
  process.exit(2);
}
try {
  const { files } = await restore({ databaseUrl: config.databaseUrl, storage: await openStorage(config.storage), dir });
  console.log(`Restored the database and ${files} files from ${dir}`);
} catch (err) {
  console.error('Restore refused:', err instanceof Error ? err.message : err);
  process.exit(1);
}
