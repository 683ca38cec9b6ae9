// The SMS provider SMS_PROVIDER names, built from its configuration.
import type { Config } from '../../api/config.ts';
import type { Sql } from '../../api/db/connect.ts';
import type { Logger } from '../../api/log.ts';
import type { SmsSender } from '../../api/notify/channels.ts';
import { createAfricasTalkingSms } from './africastalking.ts';
import { createConsoleSms } from './console.ts';
import { createMsdgSms } from './msdg.ts';

export function createSmsSender(config: Config, sql: Sql, log: Logger): SmsSender {
  const c = config.sms;
  switch (c.provider) {
    case 'africastalking':
      return createAfricasTalkingSms(c, log);
    case 'msdg':
      return createMsdgSms(c, log);
    case 'console':
      return createConsoleSms(sql, log, !config.production);
  }
}
