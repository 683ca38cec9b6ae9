// `npm run admin:create -- --name "…" --mobile 98…` — the first administrator of a production database, which has no
// demo accounts and so nobody to create one on the Staff page. Prints the user ID and a one-time password that must
// be changed at first login (like every account an administrator creates). The embedded database can be opened by
// one process only: stop the server first, or give DATABASE_URL.
import { parseArgs } from 'node:util';
import { toE164IndianMobile } from '../shared/mobile.ts';
import { generateOneTimePassword, hashPassword } from '../api/auth/password.ts';
import { loadConfig } from '../api/config.ts';
import { openDatabase } from '../api/db/connect.ts';
import { migrate } from '../api/db/migrate.ts';
import { createUser } from '../api/users/user.ts';

const usage = 'Usage: npm run admin:create -- --name "Full Name" --mobile 98XXXXXXXX [--email a@b.in] [--lang bn|en|hi] [--additional]';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    mobile: { type: 'string' },
    email: { type: 'string' },
    lang: { type: 'string', default: 'bn' },
    additional: { type: 'boolean', default: false }
  }
});
const mobile = values.mobile && toE164IndianMobile(values.mobile);
const lang = values.lang;
if (!values.name?.trim() || !mobile || (lang !== 'bn' && lang !== 'en' && lang !== 'hi')) {
  console.error(usage);
  process.exit(2);
}

process.umask(0o077); // as the server: the embedded database's files stay private
const config = loadConfig();
// Behind PgBouncer (DATABASE_POOLER) the tool, like the server, must prepare no statements: one prepared on one
// server connection is unknown on the next.
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 1, pooler: config.databasePooler });
try {
  await migrate(db.sql);
  const [admins] = await db.sql<{ n: number }[]>`select count(*)::int as n from users where role = 'admin'`;
  // Once there is an administrator, others are made on the Staff page, where the act is audited under a name.
  if (admins!.n > 0 && !values.additional) {
    console.error(`There are already ${admins!.n} administrator(s); create further ones on the Staff page, or pass --additional to recover access.`);
    process.exitCode = 1;
  } else {
    const password = generateOneTimePassword(12);
    const user = await createUser(db.sql, {
      name: values.name.trim(),
      mobile,
      email: values.email?.trim().toLowerCase() || null,
      role: 'admin',
      officeId: null,
      lang,
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      passwordExpiresAt: new Date(Date.now() + config.session.tempPasswordMs),
      createdBy: null
    });
    console.log(`Administrator created.\n  user ID:            ${user.id}\n  one-time password:  ${password}\nIt must be changed at the first login, within ${Math.round(config.session.tempPasswordMs / 3_600_000)} hours.`);
  }
} catch (err) {
  console.error('Could not create the administrator:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
