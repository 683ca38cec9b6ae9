// `npm run offices:import [-- path/to/file.csv]` — loads West Bengal's offices from the data file
// (api/offices/west-bengal.csv by default) into the database: checks every row first (a bad row refuses the whole file,
// naming its line), then upserts by id in one transaction. Running it twice changes nothing. Offices no longer in the
// file are deleted when nothing refers to them and listed as kept otherwise. The server also imports the file at start
// when it has changed; the embedded database can be opened by one process only: stop the server first, or give
// DATABASE_URL.
import { loadConfig } from '../api/config.ts';
import { openDatabase } from '../api/db/connect.ts';
import { migrate } from '../api/db/migrate.ts';
import { importOffices, OFFICES_CSV, parseOfficesCsv, readOfficesFile } from '../api/offices/import.ts';

const path = process.argv[2] ?? OFFICES_CSV;
const { text, checksum } = readOfficesFile(path);
const { rows, errors } = parseOfficesCsv(text);
if (errors.length) {
  console.error(`${path}: ${errors.length} problem(s), nothing imported:\n  ${errors.join('\n  ')}`);
  process.exit(1);
}

process.umask(0o077); // as the server: the embedded database's files stay private
const config = loadConfig();
// Behind PgBouncer as the server is: no prepared statements (README, Connection pooling).
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 1, pooler: config.databasePooler });
try {
  await migrate(db.sql);
  const r = await importOffices(db.sql, rows, checksum, new Date());
  console.log(`${path}: ${r.rows} rows; ${r.inserted} inserted, ${r.updated} updated, ${r.rows - r.inserted - r.updated} unchanged; ${r.removed.length} removed.`);
  if (r.removed.length) console.log(`Removed (no longer in the file, nothing referred to them):\n  ${r.removed.join('\n  ')}`);
  if (r.kept.length) console.log(`Kept although no longer in the file, because something refers to them (decide by hand):\n  ${r.kept.join('\n  ')}`);
} catch (err) {
  console.error('Could not import the offices:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
