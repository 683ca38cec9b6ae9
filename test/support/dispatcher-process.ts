// One dispatcher in its own process, as each app process behind a load balancer runs one (DESIGN §2). It sends
// SMS through Africa's Talking (a local server) until SIGTERM, then prints how many messages it sent.
import { loadConfig } from '../../api/config.ts';
import { openDatabase } from '../../api/db/connect.ts';
import { systemClock } from '../../api/deps.ts';
import { createLogger } from '../../api/log.ts';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { createSmsSender } from '../../sms/providers/index.ts';

const config = loadConfig();
const log = createLogger('silent');
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pooler: config.databasePooler });
const unused = { send: async () => ({ ok: false as const, retry: false, error: 'not in this test' }) };
const deps = { config, sql: db.sql, clock: systemClock, log, sms: await createSmsSender(config, db.sql), mail: unused, push: { publicKey: '', ...unused } };

let sent = 0;
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.stdout.write('ready\n');
while (!stopping) {
  const n = await dispatchDue(deps);
  sent += n;
  if (n === 0) await new Promise((r) => setTimeout(r, 20));
}
await db.close();
process.stdout.write(`sent ${sent}\n`);
