// The default SMS provider: sends nothing, records the message for the dev inbox (outside production).
import type { Sql } from '../../api/db/connect.ts';
import { recordDevMessage } from '../../api/dev/messages.ts';
import type { SmsSender } from '../../api/notify/channels.ts';
import { maskMobile } from '../../shared/mobile.ts';

export function createConsoleSms(sql: Sql, record: boolean): SmsSender {
  return {
    name: 'console',
    async send(m, log) {
      if (!record) {
        log.warn('sms_not_sent', { provider: 'console', to: maskMobile(m.to) });
        return { ok: true, providerId: 'console-dropped' };
      }
      const providerId = await recordDevMessage(sql, { channel: 'sms', recipient: m.to, body: m.text });
      log.info('sms_recorded', { provider: 'console', to: maskMobile(m.to), id: providerId });
      return { ok: true, providerId };
    }
  };
}
