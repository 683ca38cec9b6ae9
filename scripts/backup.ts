// npm run backup [-- DIR]: the database (pg_dump, custom format) and every stored file into DIR (default
// backups/<UTC time>), from the same configuration the server reads (DATABASE_URL, DATA_DIR or STORAGE_URL; behind
// PgBouncer, DATABASE_DIRECT_URL: api/backup/backup.ts says why).
// The embedded database cannot be dumped while the server holds it: stop the server and copy DATA_DIR instead.
import { join } from 'node:path';
import { backup, backupDatabaseUrl } from '../api/backup/backup.ts';
import { loadConfig } from '../api/config.ts';
import { openStorage } from '../api/storage/storage.ts';

const config = loadConfig();
const databaseUrl = backupDatabaseUrl(config);
if (!config.databaseUrl) {
  console.error('npm run backup needs DATABASE_URL (a PostgreSQL server). For the embedded database, stop the server and copy DATA_DIR.');
  process.exit(2);
}
if (!databaseUrl) {
  console.error('Behind PgBouncer (DATABASE_POOLER=pgbouncer), npm run backup needs DATABASE_DIRECT_URL: the PostgreSQL server itself.');
  process.exit(2);
}
const dir = process.argv[2] ?? join('backups', new Date().toISOString().replace(/[:.]/g, '-'));
const manifest = await backup({ databaseUrl, storage: await openStorage(config.storage), dir });
console.log(`Backed up the database, ${manifest.files} files (${(manifest.bytes / 1048576).toFixed(1)} MB) and ${Object.keys(manifest.named ?? {}).length} audit checkpoints into ${dir}`);
if (manifest.checkpointsMissing?.length) {
  console.warn(`Warning: audit checkpoints ${manifest.checkpointsMissing.join(', ')} are recorded in the database but missing from the storage; \`npm run audit:verify\` names the gap. If DATA_DIR/audit/checkpoints on a server still has them, copy them to named/audit-checkpoints/ in the storage and back up again.`);
}
