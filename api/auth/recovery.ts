// Account recovery (DESIGN §12): a citizen who forgot their password, or whose one-time password expired before
// first login, gets a 6-digit code by SMS to the registered mobile (10 minutes, 5 tries, single use) or a link by
// email. Whoever asks gets the same answer whether or not the account exists, so recovery cannot be used to learn
// who has an account. A counter operator can start it for a citizen standing at the counter: the code still goes
// to the citizen's phone, and the row records the operator.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { translate } from '../../i18n/index.ts';
import type { Deps } from '../deps.ts';
import { render } from '../notify/templates.ts';
import type { User } from '../users/user.ts';
import { hashPassword } from './password.ts';
import { invalidateUserSessions } from './session.ts';

export const CODE_MINUTES = 10;
export const LINK_MINUTES = 60;
export const MAX_CODE_TRIES = 5;
/** More recoveries than this for one account in an hour are not sent (nobody needs them; SMS costs money). */
const MAX_STARTS_PER_HOUR = 3;

type RecoveryDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'sms' | 'mail' | 'log'>;

// A 6-digit code has a million values, so its digest alone would not keep it secret from someone who read the
// table; what keeps it is its 10 minutes and 5 tries. The row id is mixed in so equal codes hash differently.
const digest = (id: string, secret: string) => createHash('sha256').update(`${id}:${secret}`).digest('hex');

function sameDigest(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Starts a recovery for `user` by `channel` and sends the code or link. Returns false when nothing was sent (too
 * many recoveries this hour, or an email recovery for an account without an email).
 */
export async function startRecovery(deps: RecoveryDeps, user: RecoveryUser, channel: 'sms' | 'email', startedBy: string | null): Promise<boolean> {
  if (channel === 'email' && !user.email) return false;
  const now = deps.clock.now();
  const id = crypto.randomUUID();
  const secret = channel === 'sms' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : randomBytes(24).toString('base64url');
  const minutes = channel === 'sms' ? CODE_MINUTES : LINK_MINUTES;
  const started = await deps.sql.begin(async (sql) => {
    // Serialise recoveries of one account, so the hourly count below cannot be raced. NO KEY UPDATE, like the locks on
    // applications (api/applications/access.ts): the sweep's messages to this officer are not held up.
    await sql`select id from users where id = ${user.id} for no key update`;
    const [recent] = await sql<{ count: number }[]>`
      select count(*)::int as count from password_recoveries
      where user_id = ${user.id} and started_at > ${new Date(now.getTime() - 3_600_000)}`;
    if (recent!.count >= MAX_STARTS_PER_HOUR) return false;
    // A new code or link replaces any earlier one: only the latest works.
    await sql`update password_recoveries set used_at = ${now} where user_id = ${user.id} and used_at is null`;
    await sql`
      insert into password_recoveries (id, user_id, channel, secret_hash, expires_at, started_by, started_at)
      values (${id}, ${user.id}, ${channel}, ${digest(id, secret)}, ${new Date(now.getTime() + minutes * 60_000)}, ${startedBy}, ${now})`;
    return true;
  });
  if (!started) {
    deps.log.warn('recovery_not_sent', { user: user.id, reason: 'hourly_limit' });
    return false;
  }
  deps.log.info('recovery_started', { user: user.id, channel, by: startedBy ?? user.id });
  // Sent straight away, not through the outbox: the code must never be stored in clear text.
  const sent =
    channel === 'sms'
      ? await (async () => {
          const m = render('recovery_code', user.lang, { code: secret, minutes: String(minutes) });
          return deps.sms.send({ to: user.mobile, text: m.sms, lang: user.lang, templateId: m.templateId }, deps.log);
        })()
      : await deps.mail.send({
          to: user.email!,
          subject: translate(user.lang, 'recover.email_subject'),
          text: translate(user.lang, 'recover.email_body', {
            name: user.name,
            url: `${deps.config.origin}/recover?token=${id}.${secret}`,
            minutes
          })
        }, deps.log);
  if (!sent.ok) deps.log.error('recovery_send_failed', { user: user.id, channel, reason: sent.error });
  return sent.ok;
}

/**
 * Checks a code typed by the citizen against the account's live SMS recovery; on success sets the new password.
 * Every wrong code counts against the recovery's 5 tries, in one statement, so parallel guesses cannot exceed them.
 */
export async function redeemCode(deps: Pick<Deps, 'sql' | 'clock'>, userId: string | null, code: string, newPassword: string): Promise<boolean> {
  if (!userId) return false;
  const now = deps.clock.now();
  const [live] = await deps.sql<{ id: string; secretHash: string }[]>`
    update password_recoveries set attempts = attempts + 1
    where id = (
      select id from password_recoveries
      where user_id = ${userId} and channel = 'sms' and used_at is null and expires_at > ${now} and attempts < ${MAX_CODE_TRIES}
      order by started_at desc limit 1)
    and attempts < ${MAX_CODE_TRIES}
    returning id, secret_hash`;
  if (!live || !sameDigest(live.secretHash, digest(live.id, code))) return false;
  return setPasswordOnce(deps, live.id, userId, newPassword);
}

/** The email link's token ("<id>.<secret>"): single use, within its hour. Returns the account it recovered. */
export async function redeemLink(deps: Pick<Deps, 'sql' | 'clock'>, token: string, newPassword: string): Promise<string | null> {
  const [id, secret] = token.split('.');
  if (!id || !secret || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const [live] = await deps.sql<{ userId: string; secretHash: string }[]>`
    select user_id, secret_hash from password_recoveries
    where id = ${id} and channel = 'email' and used_at is null and expires_at > ${deps.clock.now()}`;
  if (!live || !sameDigest(live.secretHash, digest(id, secret))) return null;
  return (await setPasswordOnce(deps, id, live.userId, newPassword)) ? live.userId : null;
}

/** Marks the recovery used and sets the password in one transaction; the first of two parallel redemptions wins. */
async function setPasswordOnce(deps: Pick<Deps, 'sql' | 'clock'>, recoveryId: string, userId: string, newPassword: string): Promise<boolean> {
  const passwordHash = await hashPassword(newPassword);
  const now = deps.clock.now();
  return deps.sql.begin(async (sql) => {
    const [used] = await sql`update password_recoveries set used_at = ${now} where id = ${recoveryId} and used_at is null returning id`;
    if (!used) return false;
    await sql`
      update users set password_hash = ${passwordHash}, must_change_password = false, password_expires_at = null
      where id = ${userId}`;
    // Whoever knew the old password is logged out everywhere.
    await invalidateUserSessions(sql, userId);
    return true;
  });
}

export type RecoveryUser = Pick<User, 'id' | 'name' | 'mobile' | 'email' | 'lang'>;
