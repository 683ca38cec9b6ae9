// The SMS provider SMS_PROVIDER names, built from its configuration. Each provider's module is loaded only when it is
// the one named: Africa's Talking's package brings axios, lodash and more, 11 MB of heap a process that sends
// through MSDG has no use for.
import type { Config } from '../../api/config.ts';
import type { Sql } from '../../api/db/connect.ts';
import type { SmsSender } from '../../api/notify/channels.ts';

export async function createSmsSender(config: Config, sql: Sql): Promise<SmsSender> {
  const c = config.sms;
  switch (c.provider) {
    case 'africastalking':
      return (await import('./africastalking.ts')).createAfricasTalkingSms(c);
    case 'msdg':
      return (await import('./msdg.ts')).createMsdgSms(c);
    case 'console':
      return (await import('./console.ts')).createConsoleSms(sql, !config.production);
  }
}
