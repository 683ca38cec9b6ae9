// Run by test/unit/lazy-packages.test.ts in a process of its own, so that nothing else has loaded a package: creates
// the SMS sender that the first argument names and seeds the holidays (of years already seeded, or of a fresh one, as
// the second says), then prints which of the large packages the process has loaded. Usage:
// tsx test/support/loaded-packages.ts console|africastalking fresh|seeded
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

// Packages come in two ways: through the ESM loader (import, and import() of a package with an ESM entry), whose
// module map no API lists, so a resolve hook reports every URL it resolves; and through require(), whose cache does.
const resolved: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => resolved.push(url));
port1.unref();
const hook = `
  let port;
  export function initialize(data) { port = data.port; }
  export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

const [provider, years] = process.argv.slice(2);
const { loadConfig } = await import('../../api/config.ts');
const { seedStateHolidays } = await import('../../api/sla/holidays.ts');
const { createSmsSender } = await import('../../sms/providers/index.ts');
type Sql = import('../../api/db/connect.ts').Sql;

const config = loadConfig({ SMS_PROVIDER: provider!, AFRICASTALKING_USERNAME: 'sandbox', AFRICASTALKING_API_KEY: 'k' });
// Only what seedStateHolidays asks of the database: the years already seeded (both, or neither when `fresh`), then for
// a year to seed the insert of its days and of its marker.
const answer = (rows: object[]) => Promise.resolve(Object.assign(rows, { count: rows.length }));
const seeded = years === 'fresh' ? [] : [{ name: 'holidays-seeded-2026' }, { name: 'holidays-seeded-2027' }];
const fake = Object.assign((strings: TemplateStringsArray) => answer(strings.join('').startsWith('select name from server_keys') ? seeded : []), { json: (v: unknown) => v });
await createSmsSender(config, fake as unknown as Sql);
await seedStateHolidays(fake as unknown as Sql, new Date('2026-12-03T10:00:00Z'));
await new Promise((r) => setTimeout(r, 100)); // the hook's last messages

// A package's code, not its package.json (holidays.ts reads the version from it).
const paths = [...resolved, ...Object.keys(createRequire(import.meta.url).cache)].filter((p) => !p.endsWith('/package.json'));
const loaded = ['africastalking', 'date-holidays'].filter((name) => paths.some((p) => p.includes(`/node_modules/${name}/`)));
process.stdout.write(JSON.stringify(loaded));
process.exit(0); // nothing left to wait for (the hook's thread)
