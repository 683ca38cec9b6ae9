// Sends a new account's user ID and one-time password (seed, web channel step 3: "generate unique user ID and
// password and email it to the applicant"), by SMS and, when there is an address, email, in the user's language.
import { translate } from '../../i18n/index.ts';
import type { Deps } from '../deps.ts';
import type { User } from './user.ts';

export async function sendLoginDetails(deps: Pick<Deps, 'sms' | 'mail' | 'config' | 'log'>, user: User, password: string): Promise<void> {
  const vars = {
    name: user.name,
    userId: user.id,
    password,
    hours: Math.round(deps.config.session.tempPasswordMs / 3_600_000),
    url: deps.config.origin + '/login'
  };
  const sends = [deps.sms.send({ to: user.mobile, text: translate(user.lang, 'msg.welcome_sms', vars), lang: user.lang })];
  if (user.email) {
    sends.push(
      deps.mail.send({ to: user.email, subject: translate(user.lang, 'msg.welcome_subject'), text: translate(user.lang, 'msg.welcome_email', vars) })
    );
  }
  // The account exists either way; a failed send is logged for the operator and the user can ask the office again.
  // (Issue 5 moves these into the outbox, with retries.)
  for (const result of await Promise.allSettled(sends)) {
    if (result.status === 'rejected') deps.log.error('login_details_send_failed', { user: user.id, reason: String(result.reason) });
  }
}
