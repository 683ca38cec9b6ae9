// How each SMS provider's answers are read, and the parts of their protocols that are easy to get subtly wrong.
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../../api/log.ts';
import { retryDelayMs, SEND_TIMEOUT_MS } from '../../api/notify/outbox.ts';
import { parseInbound } from '../../sms/inbound.ts';
import { createAfricasTalkingSms } from '../../sms/providers/africastalking.ts';
import { classifyMsdgAnswer, msdgKey, toEntities } from '../../sms/providers/msdg.ts';

describe('MSDG', () => {
  test('answers: 402 with a MsgID is accepted, 409 still goes, credit and limits pass with time, the rest are permanent', () => {
    expect(classifyMsdgAnswer(200, '402,MsgID = 150620251234567msdgsms')).toEqual({ ok: true, providerId: '150620251234567msdgsms' });
    expect(classifyMsdgAnswer(200, 'ERROR : 409 SMSC timeout').ok).toBe(true);
    for (const code of [403, 404, 405, 418]) expect(classifyMsdgAnswer(200, `ERROR : ${code} x`)).toMatchObject({ ok: false, retry: true });
    for (const code of [401, 406, 413, 414, 415, 416, 422, 423, 425]) expect(classifyMsdgAnswer(200, `ERROR : ${code} x`)).toMatchObject({ ok: false, retry: false });
    expect(classifyMsdgAnswer(502, '<html>Bad gateway</html>')).toMatchObject({ ok: false, retry: true });
  });

  test('Unicode goes as one &#NNNN; per UTF-16 code unit, and the key is hashed over that form', () => {
    expect(toEntities('আবেদন 1')).toBe('&#2438;&#2476;&#2503;&#2470;&#2472;&#32;&#49;');
    expect(msdgKey(' user ', 'WBEDST', '&#2438;', 'key')).toBe(msdgKey('user', 'WBEDST', '&#2438;', 'key'));
    expect(msdgKey('user', 'WBEDST', '&#2438;', 'key')).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe("Africa's Talking", () => {
  test('username "sandbox" points the package at the sandbox; AFRICASTALKING_SMS_URL overrides both', () => {
    const common = createRequire(import.meta.url)('africastalking/lib/common.js') as { SMS_URL: string };
    createAfricasTalkingSms({ username: 'sandbox', apiKey: 'k' });
    expect(common.SMS_URL).toBe('https://api.sandbox.africastalking.com/version1/messaging');
    createAfricasTalkingSms({ username: 'sandbox', apiKey: 'k', smsUrl: 'http://127.0.0.1:9/version1/messaging' });
    expect(common.SMS_URL).toBe('http://127.0.0.1:9/version1/messaging');
  });

  test("the package's requests time out (10 s) before the dispatcher gives up on them (15 s)", () => {
    createAfricasTalkingSms({ username: 'edistrict', apiKey: 'k' });
    const require = createRequire(import.meta.url);
    const axios = createRequire(require.resolve('africastalking'))('axios') as { defaults: { timeout: number } };
    expect(axios.defaults.timeout).toBe(10_000);
    expect(axios.defaults.timeout).toBeLessThan(SEND_TIMEOUT_MS);
  });

  test('a number the package cannot send to is a permanent failure, without a request', async () => {
    const sms = createAfricasTalkingSms({ username: 'edistrict', apiKey: 'k', smsUrl: 'http://127.0.0.1:9/none' });
    expect(await sms.send({ to: '12345', text: 'x', lang: 'en', templateId: '1' }, createLogger('silent'))).toMatchObject({ ok: false, retry: false });
    // Nothing listens on port 9: a connection error is worth retrying.
    expect(await sms.send({ to: '+919830012345', text: 'x', lang: 'en', templateId: '1' }, createLogger('silent'))).toMatchObject({ ok: false, retry: true });
  });
});

describe('retries', () => {
  test('backoff doubles from 30 s, is capped at an hour, and is jittered between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, () => 1))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(1, () => 0)).toBe(15_000);
    expect(retryDelayMs(20, () => 1)).toBe(3_600_000);
  });
});

describe('inbound SMS', () => {
  test('reads STATUS and the AIN however it is written', () => {
    const ain = '26110020000176';
    for (const text of [`STATUS ${ain}`, `status ${ain}`, ain, ` Status: 26 11 002 000017 6 `, 'STATUS 26-11-002-000017-6', 'WBORC STATUS 26.11.002.000017.6', 'স্ট্যাটাস ২৬১১০০২০০০০১৭৬', 'STATUS २६११००२०००० १७६']) {
      expect(parseInbound(text), text).toEqual({ kind: 'status', ain });
    }
    expect(parseInbound('STATUS 26110020000177')).toEqual({ kind: 'invalid_ain' }); // check digit
    expect(parseInbound('STATUS 2611002000017')).toEqual({ kind: 'invalid_ain' }); // 13 digits
    expect(parseInbound('help')).toEqual({ kind: 'help' });
    expect(parseInbound('Help me please')).toEqual({ kind: 'help' });
    expect(parseInbound('hello')).toEqual({ kind: 'unknown' });
    expect(parseInbound('')).toEqual({ kind: 'unknown' });
  });
});
