// `npm run audit:verify` — recomputes every audit event's hash and chain link and checks the trail against the
// signed checkpoints kept outside the database (DATA_DIR/audit/checkpoints and the storage's audit-checkpoints/),
// with the district's public key. Prints what it checked and every problem; exit 0 when intact, 1 otherwise.
// `--checkpoint` first signs a checkpoint of the trail as it is now. Reads the server's configuration
// (DATABASE_URL, DATA_DIR, DISTRICT_SEAL_KEY); the embedded database can be opened by one process only, so stop the
// server first when it uses one.
import { parseArgs } from 'node:util';
import { writeCheckpoint, verifyAudit } from '../api/audit/checkpoints.ts';
import { loadConfig } from '../api/config.ts';
import { openDatabase } from '../api/db/connect.ts';
import { systemClock } from '../api/deps.ts';
import { createLogger } from '../api/log.ts';
import { createLocalStorage } from '../api/storage/storage.ts';
import { join } from 'node:path';
import { SecretCache } from '../api/secrets.ts';

const { values } = parseArgs({ options: { checkpoint: { type: 'boolean', default: false } } });
process.umask(0o077);
const config = loadConfig();
// Behind PgBouncer (DATABASE_POOLER) the tool, like the server, must prepare no statements: one prepared on one
// server connection is unknown on the next.
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 1, pooler: config.databasePooler });
try {
  const deps = { sql: db.sql, config, clock: systemClock, storage: createLocalStorage(join(config.dataDir, 'files')), log: createLogger('warn'), secrets: new SecretCache() };
  if (values.checkpoint) {
    const c = await writeCheckpoint(deps);
    console.log(c ? `checkpoint ${c.n} signed: ${c.events} events, up to id ${c.maxEventId}` : 'no new events since the last checkpoint');
  }
  const report = await verifyAudit(deps);
  console.log(`${report.events} events of ${report.applications} applications recomputed; ${report.checkpoints} signed checkpoints checked`);
  for (const p of report.problems) console.log(`PROBLEM: ${p}`);
  console.log(report.problems.length ? 'TAMPERED' : 'INTACT');
  process.exitCode = report.problems.length ? 1 : 0;
} finally {
  await db.close();
}
