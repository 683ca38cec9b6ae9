// Sends a new account's user ID and one-time password (seed, web channel step 3: "generate unique user ID and
// password and email it to the applicant"), by SMS and, when there is an address, email, in the user's language.
import { translate } from '../../i18n/index.ts';
import type { Deps } from '../deps.ts';
import { render } from '../notify/templates.ts';
import type { User } from './user.ts';

export async function sendLoginDetails(deps: Pick<Deps, 'sms' | 'mail' | 'config' | 'log'>, user: User, password: string): Promise<void> {
  const vars = {
    name: user.name,
    userId: user.id,
    password,
    hours: Math.round(deps.config.session.tempPasswordMs / 3_600_000),
    url: deps.config.origin + '/login'
  };
  const sms = render('welcome', user.lang, { userId: user.id, password, hours: String(vars.hours) });
  const sends = [deps.sms.send({ to: user.mobile, text: sms.sms, lang: user.lang, templateId: sms.templateId }, deps.log)];
  if (user.email) {
    sends.push(
      deps.mail.send({ to: user.email, subject: translate(user.lang, 'msg.welcome_subject'), text: translate(user.lang, 'msg.welcome_email', vars) }, deps.log)
    );
  }
  // Sent now rather than through the outbox, so the one-time password is never stored in clear text. The account
  // exists either way; a failed send is logged and the office can issue a new password (the user can also retry).
  for (const result of await Promise.allSettled(sends)) {
    const failure = result.status === 'rejected' ? String(result.reason) : !result.value.ok ? result.value.error : null;
    if (failure) deps.log.error('login_details_send_failed', { user: user.id, reason: failure });
  }
}
