// What feature phones get (seed feature 3; DESIGN §6): USSD sessions driven by Africa's Talking-shaped payloads,
// status by SMS through Africa's Talking and MSDG, delivery reports, and the callback secret.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeAin } from '../../shared/ain.ts';
import { languages, translate, type Lang } from '../../i18n/index.ts';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { statuses } from '../../api/applications/workflow.ts';
import type { PublicStatus } from '../../api/applications/track.ts';
import { ussdScreen } from '../../sms/ussd.ts';
import { UNKNOWN_REPORT_WAIT_MS } from '../../sms/app.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SECRET = 'callback-secret-for-tests-0001';
let server: TestServer;
const ains: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ SMS_CALLBACK_SECRET: SECRET }, { dispatchIntervalMs: 0 });
  await server.runtime.deps.sql`update users set lang = 'en' where id = 'demo-citizen'`;
  const citizen = await loginClient(server.url, 'demo-citizen');
  for (let i = 0; i < 4; i++) {
    const documents = await uploadDocumentSet(citizen, server.origin, i);
    const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(201);
    ains.push(res.body.ain);
    server.clock.advance(60_000); // distinct submission times: "my applications" is newest first
  }
});
afterAll(() => server.close());

function post(path: string, form: Record<string, string>, key: string | null = SECRET) {
  return fetch(`${server.url}${path}${key === null ? '' : `?key=${encodeURIComponent(key)}`}`, { method: 'POST', body: new URLSearchParams(form) });
}

let session = 0;
async function ussd(text: string, phoneNumber = '+919000000001', sessionId = `ATUid_${++session}`): Promise<string> {
  const res = await post('/sms/ussd', { sessionId, serviceCode: '*384*123#', phoneNumber, networkCode: '40401', text });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

describe('USSD (POST /sms/ussd)', () => {
  test('a whole session: main menu, a mistyped AIN, then the status of the right one', async () => {
    const main = await ussd('');
    expect(main).toBe('CON Ordinary Residential Certificate\n1 Track by AIN\n2 My applications\n3 Language');
    expect(await ussd('1')).toBe('CON Enter the 14-digit AIN from your receipt\n0 Back');
    // One digit wrong: the check digit catches it and asks again.
    const typo = ains[0]!.slice(0, 5) + ((Number(ains[0]![5]) + 1) % 10) + ains[0]!.slice(6);
    expect(await ussd(`1*${typo}`)).toMatch(/^CON That AIN is not valid\. Check the 14 digits and enter it again/);
    const status = await ussd(`1*${typo}*${ains[0]}`);
    expect(status).toMatch(new RegExp(`^END AIN ${ains[0]}\\nReceived on \\d\\d-\\d\\d-\\d{4}\\nDecision expected by \\d\\d-\\d\\d-\\d{4}\\nBarasat I$`));
  });

  test('an AIN with a valid check digit that no application has is named in the retry prompt', async () => {
    const unknown = makeAin(2026, '11', '002', 999_999);
    expect(await ussd(`1*${unknown}`)).toBe(`CON No application has AIN ${unknown}. Enter it again\n0 Back 00 Menu`);
  });

  test('0 goes back a screen, 00 to the main menu, and any request replays to the same screen', async () => {
    const main = await ussd('');
    expect(await ussd('1*0')).toBe(main);
    expect(await ussd('1*123*00')).toBe(main);
    expect(await ussd('3*0')).toBe(main);
    expect(await ussd('0')).toBe(main); // nothing to go back to
    const first = await ussd(`1*99*${ains[1]}`, '+919000000001', 'ATUid_replay');
    expect(await ussd(`1*99*${ains[1]}`, '+919000000001', 'ATUid_other')).toBe(first);
    // Inputs dialled directly (*384*123*1*AIN#) arrive in the first request.
    expect(first).toMatch(/^END AIN /);
    expect(await ussd('9')).toBe('CON Choose one of the numbers.\n1 Track by AIN\n2 My applications\n3 Language');
  });

  test('"my applications" lists the three latest of the calling number under a title, with the way back, and opens one', async () => {
    const list = await ussd('2');
    const expected = [ains[3], ains[2], ains[1]].map((a, i) => `${i + 1} ...${a!.slice(7)} Received`).join('\n');
    expect(list).toBe(`CON My applications\n${expected}\n0 Back 00 Menu`);
    expect(await ussd('2*2')).toMatch(new RegExp(`^END AIN ${ains[2]}\\n`));
    // A wrong choice says so, in the title's place.
    expect(await ussd('2*7')).toBe(`CON Choose one of the numbers.\n${expected}\n0 Back 00 Menu`);
    // A number with no account hears the district's default language, Bengali.
    expect(await ussd('2', '+919830055555')).toBe('END এই মোবাইল নম্বরে কোনো আবেদন নেই।');
  });

  test('the language chosen on the menu is kept for the number and its account', async () => {
    expect(await ussd('3')).toBe('CON Choose language\n1 বাংলা\n2 English\n3 हिन्दी\n0 Back');
    const saved = await ussd('3*1');
    expect(saved).toBe('CON ভাষা রাখা হল।\n1 AIN দিয়ে খোঁজ\n2 আমার আবেদন\n3 ভাষা');
    expect(await ussd('')).toMatch(/^CON সাধারণ বাসিন্দা শংসাপত্র/);
    const [user] = await server.runtime.deps.sql<{ lang: string }[]>`select lang from users where id = 'demo-citizen'`;
    expect(user!.lang).toBe('bn');
    expect(await ussd('3*3', '+919830055556')).toMatch(/^CON भाषा सहेजी गई।/);
    expect(await ussd('', '+919830055556')).toMatch(/^CON सामान्य निवासी प्रमाणपत्र/);
    await ussd('3*2'); // back to English for the tests that follow
  });

  test('every screen fits a handset: 160 characters in English, 60 in Bengali and Hindi (NIC), longer ones in pages', async () => {
    const offices = await server.runtime.deps.sql<{ nameEn: string; nameBn: string }[]>`select name_en, name_bn from offices where kind = 'block'`;
    const longRemarks = 'Residence certificate photo is blurred and the Pradhan\'s seal cannot be read; upload a clear scan of the whole page, and the ration card of the family as well.';
    const sample = (status: PublicStatus['status'], o: { nameEn: string; nameBn: string }, i: number, revoked = false): PublicStatus => ({
      applicationId: String(100_000 + i),
      ain: makeAin(2026, '11', '002', 100_000 + i),
      status,
      nameEn: o.nameEn,
      nameBn: o.nameBn,
      updatedAt: new Date('2026-12-31T18:29:00Z'),
      dueAt: new Date(),
      applicantName: 'X',
      decisionCode: status === 'rejected' ? 'documents_insufficient' : null,
      decisionRemarks: status === 'rejected' || status === 'sent_back' ? (i % 2 ? longRemarks : 'পঞ্চায়েত প্রধানের শংসাপত্রের ছবি ঝাপসা, পরিষ্কার স্ক্যান দিন, পরিবারের রেশন কার্ডও দিন') : null,
      decidedAt: new Date('2026-12-30T10:00:00Z'),
      certificateNo: revoked ? 'ORC-2026-11002-000017' : null,
      revokedAt: revoked ? new Date('2026-12-31T10:00:00Z') : null
    });
    const limit: Record<Lang, number> = { en: 160, bn: 60, hi: 60 };
    let screens = 0;
    for (const lang of languages) {
      const look = (over: Partial<Parameters<typeof ussdScreen>[2]> = {}) => ({ status: async () => null, mine: async () => [], saveLanguage: async () => {}, ...over });
      // Every page of the screen, turning with 98 until the screen says no more.
      const check = async (text: string, over: Partial<Parameters<typeof ussdScreen>[2]> = {}) => {
        let input = text;
        const seen: string[] = [];
        for (;;) {
          const screen = await ussdScreen(input, lang, look(over));
          expect(screen.text.length, `${lang} "${input}": ${screen.text}`).toBeLessThanOrEqual(limit[lang]);
          // A page after a 98 has something of the screen on it, not only the way out.
          if (input.endsWith('*98')) expect([translate(lang, 'ussd.back_menu'), translate(lang, 'ussd.back')], `${lang} "${input}"`).not.toContain(screen.text);
          screens += 1;
          if (seen.includes(screen.text) || !screen.text.includes(translate(lang, 'ussd.more'))) return seen.concat(screen.text);
          seen.push(screen.text);
          input = `${input}*98`;
        }
      };
      for (const text of ['', '9', '1', '1*1', `1*${makeAin(2026, '11', '002', 999_999)}`, '3', '3*9', '2', '3*1', '3*2', '3*3']) await check(text);
      for (const status of statuses) {
        for (const [i, office] of offices.entries()) {
          const pages = await check(`1*${makeAin(2026, '11', '002', 1)}`, { status: async () => sample(status, office, i, status === 'delivered' && i % 2 === 0) });
          // Nothing is lost to paging: the remarks' words all appear, in order, across the pages.
          const remarks = sample(status, office, i).decisionRemarks;
          if (remarks && Array.from(remarks).length < 110) expect(pages.join(' ').replace(/\s+/g, ' ')).toContain(remarks.split(' ').slice(-2).join(' '));
        }
        const three = [0, 1, 2].map((i) => sample(status, offices[i]!, i));
        await check('2', { mine: async () => three });
        await check('2*9', { mine: async () => three });
      }
    }
    expect(screens).toBeGreaterThan(languages.length * statuses.length * offices.length);
  });

  test('the status screen gives a rejection\'s reason and remarks, a send-back\'s remarks and a revocation with its date', async () => {
    const base = { applicationId: '5', ain: makeAin(2026, '11', '002', 5), nameEn: 'Barasat I', nameBn: 'বারাসত ১', updatedAt: new Date('2026-12-01T06:00:00Z'), dueAt: new Date('2026-12-04T18:29:00Z'), applicantName: 'X', decidedAt: new Date('2026-12-02T06:00:00Z'), certificateNo: null, revokedAt: null };
    const screen = (app: PublicStatus, lang: Lang, text = '1*' + app.ain) => ussdScreen(text, lang, { status: async () => app, mine: async () => [], saveLanguage: async () => {} });
    const rejected = { ...base, status: 'rejected' as const, decisionCode: 'not_resident', decisionRemarks: 'Neighbours say the family moved to Howrah in 2019.' };
    expect((await screen(rejected, 'en')).text).toBe(`AIN ${base.ain}\nRejected on 02-12-2026\nReason: Not resident at the address\nRemarks: Neighbours say the family moved to Howrah in 2019.\nBarasat I`);
    const bn = await screen(rejected, 'bn');
    expect(bn).toMatchObject({ end: false });
    expect(bn.text).toBe(`AIN ${base.ain}\nবাতিল, তারিখ 02-12-2026\n98 আরও`);
    const pages = [bn.text];
    for (let text = `1*${base.ain}*98`; ; text += '*98') {
      const next = await screen(rejected, 'bn', text);
      pages.push(next.text);
      if (next.end) break;
    }
    const all = pages.join('\n');
    expect(all).toContain('কারণ: ঠিকানায় বাসিন্দা নন');
    expect(all.replace(/\n98 আরও\n/g, ' ')).toContain('মন্তব্য: Neighbours say the family moved to Howrah in 2019.');
    const revoked = { ...base, status: 'delivered' as const, decisionCode: null, decisionRemarks: null, certificateNo: 'ORC-2026-11002-000017', revokedAt: new Date('2026-12-05T06:00:00Z') };
    expect((await screen(revoked, 'en')).text).toBe(`AIN ${base.ain}\nRevoked on 05-12-2026\nBarasat I`);
    expect((await screen(revoked, 'hi')).text).toBe(`AIN ${base.ain}\nरद्द, तिथि 05-12-2026\nबारासात 1`);
  });

  test('a request without the fields of the contract gets 400', async () => {
    const res = await post('/sms/ussd', { sessionId: 'x', phoneNumber: '+919000000001' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('END Missing: text');
  });
});

async function repliesTo(number: string): Promise<string[]> {
  // Replies about one application to one number go out one at a time, in the order asked.
  while ((await dispatchDue(server.runtime.deps)) > 0);
  const messages = (await new Client(server.url).get('/api/dev/outbox')).body.messages as { channel: string; recipient: string; body: string }[];
  return messages.filter((m) => m.channel === 'sms' && m.recipient === number).map((m) => m.body).reverse();
}

describe('status by SMS (POST /sms/inbound, /sms/inbound/msdg)', () => {
  let id = 0;
  const inbound = (from: string, text: string, messageId = `ATXid_in_${++id}`) =>
    post('/sms/inbound', { from, to: '56263', text, date: '2026-11-27 10:00:00', id: messageId, linkId: 'abc', networkCode: '40401' });

  test('"STATUS <AIN>", the AIN alone, any case, with separators or Bengali digits: each gets the status back', async () => {
    const from = '+919830060001';
    const grouped = `${ains[0]!.slice(0, 2)} ${ains[0]!.slice(2, 4)}-${ains[0]!.slice(4, 7)}-${ains[0]!.slice(7, 13)} ${ains[0]!.slice(13)}`;
    const bengaliDigits = ains[0]!.replace(/\d/g, (d) => String.fromCharCode(0x09e6 + Number(d)));
    for (const text of [`STATUS ${ains[0]}`, `status ${grouped}`, ains[0]!, `Status:${bengaliDigits}`]) {
      expect((await inbound(from, text)).status).toBe(200);
    }
    const replies = await repliesTo(from);
    expect(replies).toHaveLength(4);
    // A number with no account hears the district's default language (Bengali), or the script it wrote in.
    for (const reply of replies) expect(reply).toMatch(new RegExp(`^আবেদন ${ains[0]}: জমা হয়েছে। বারাসত ১। সিদ্ধান্ত \\d\\d-\\d\\d-\\d{4} এর মধ্যে।`));
  });

  test('the reply is in the language of the account the number belongs to', async () => {
    await inbound('+919000000001', `STATUS ${ains[1]}`);
    const [reply] = (await repliesTo('+919000000001')).filter((r) => r.includes('Office'));
    expect(reply).toMatch(new RegExp(`^Application ${ains[1]}: Received\\. Office: Barasat I\\. Decision expected by \\d\\d-\\d\\d-\\d{4}\\. -eDistrict WB$`));
  });

  test('HELP explains; anything else gets a short help; a wrong check digit or an unknown AIN says so', async () => {
    const from = '+919830060002';
    const unknown = makeAin(2026, '11', '002', 999_998);
    const typo = ains[0]!.slice(0, 13) + ((Number(ains[0]![13]) + 1) % 10);
    for (const text of ['help', 'hello there', `STATUS ${typo}`, `STATUS ${unknown}`]) await inbound(from, text);
    const replies = await repliesTo(from);
    // The dispatcher sends in parallel, so the order of arrival is not the order of asking.
    expect(replies).toHaveLength(4);
    expect(replies.filter((r) => r.includes('STATUS 26110020000176'))).toHaveLength(1);
    expect(replies.filter((r) => /HELP পাঠান/.test(r))).toHaveLength(1);
    expect(replies.filter((r) => /^এই AIN সঠিক নয়/.test(r))).toHaveLength(1);
    expect(replies.filter((r) => r.includes(`AIN ${unknown} এর কোনো আবেদন পাওয়া যায়নি`))).toHaveLength(1);
  });

  test('a repeated callback (same message id) is answered once, and the gateway is told which it was', async () => {
    const from = '+919830060003';
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await inbound(from, `STATUS ${ains[0]}`, 'ATXid_same');
      answers.push([res.status, await res.text()]);
    }
    expect(answers).toEqual([[200, 'OK'], [200, 'OK (already answered)'], [200, 'OK (already answered)']]);
    expect(await repliesTo(from)).toHaveLength(1);
    // A sender no reply can reach is dropped, and said to be, not taken for a repeat.
    const dropped = await inbound('AX-AIRTEL', `STATUS ${ains[0]}`);
    expect([dropped.status, await dropped.text()]).toEqual([200, 'OK (the sender is not a mobile number; not answered)']);
  });

  test('MSDG pull SMS: keyword, sub-keyword and AIN; the same message twice is answered once', async () => {
    const form = { mobileNumber: '919830060004', timeStamp: '2026-11-27 10:01:02', operatorName: 'BSNL', areaCode: 'WB', message: `WBORC STATUS ${ains[0]}` };
    expect((await post('/sms/inbound/msdg', form)).status).toBe(200);
    expect((await post('/sms/inbound/msdg', form)).status).toBe(200);
    const replies = await repliesTo('+919830060004');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(ains[0]);
    expect((await post('/sms/inbound/msdg', { mobileNumber: '919830060004' })).status).toBe(400);
  });

  // Last in this block: it moves the server's clock on by an hour.
  test('a number gets SMS_INBOUND_PER_HOUR answers an hour, then one notice, then none until the hour is over', async () => {
    const from = '+919830060005';
    const perHour = server.runtime.deps.config.smsInboundPerHour;
    const answers: string[] = [];
    for (let i = 0; i < perHour + 3; i++) answers.push(await (await inbound(from, i === perHour + 2 ? `STATUS ${ains[0]}` : 'HELP', `ATXid_flood_${i}`)).text());
    expect(answers).toEqual([...Array(perHour).fill('OK'), ...Array(3).fill('OK (too many messages from this number this hour; not answered)')]);
    const replies = await repliesTo(from);
    expect(replies).toHaveLength(perHour + 1);
    expect(replies.filter((r) => r === 'গত এক ঘণ্টায় এই নম্বর থেকে অনেক বার্তা এসেছে, তাই আপাতত উত্তর দেওয়া বন্ধ আছে। এক ঘণ্টা পরে আবার পাঠান। -ই-ডিস্ট্রিক্ট')).toHaveLength(1);
    // Every message is recorded, answered or not; another number is not held up by this one.
    const [{ n }] = await server.runtime.deps.sql<[{ n: number }]>`select count(*)::int as n from sms_inbound where sender = ${from}`;
    expect(n).toBe(perHour + 3);
    expect(await (await inbound('+919830060006', 'HELP')).text()).toBe('OK');
    // A gateway's retry of a refused message is still a repeat, not another refusal.
    expect(await (await inbound(from, 'HELP', `ATXid_flood_${perHour + 1}`)).text()).toBe('OK (already answered)');

    server.clock.advance(3_600_000);
    expect(await (await inbound(from, `STATUS ${ains[0]}`)).text()).toBe('OK');
    const after = await repliesTo(from);
    expect(after).toHaveLength(perHour + 2);
    expect(after.filter((r) => r.startsWith(`আবেদন ${ains[0]}`))).toHaveLength(1);
  });
});

describe('delivery reports (POST /sms/delivery)', () => {
  async function sentSms(): Promise<{ id: string; providerId: string }> {
    const citizen = await loginClient(server.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, server.origin, 9);
    const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
    await dispatchDue(server.runtime.deps);
    const [row] = await server.runtime.deps.sql<{ id: string; providerId: string }[]>`
      select o.id::text, o.provider_id from outbox o join applications a on a.id = o.application_id
      where a.ain = ${res.body.ain} and o.channel = 'sms' and o.status = 'sent'`;
    return row!;
  }
  const report = (id: string, status: string, failureReason?: string) =>
    post('/sms/delivery', { id, status, phoneNumber: '+919000000001', networkCode: '40401', ...(failureReason ? { failureReason, retryCount: '0' } : {}) });
  const stateOf = async (id: string) =>
    (await server.runtime.deps.sql<{ status: string; deliveryStatus: string | null; lastError: string | null }[]>`select status, delivery_status, last_error from outbox where id = ${id}`)[0]!;

  test('interim reports are recorded, Success marks it delivered, and a repeat changes nothing', async () => {
    const m = await sentSms();
    for (const s of ['Sent', 'Submitted', 'Buffered']) expect((await report(m.providerId, s)).status).toBe(200);
    expect(await stateOf(m.id)).toMatchObject({ status: 'sent', deliveryStatus: 'Buffered' });
    expect((await report(m.providerId, 'Success')).status).toBe(200);
    expect(await stateOf(m.id)).toMatchObject({ status: 'delivered', deliveryStatus: 'Success' });
    // A late interim report, or the same final one again, does not undo delivery.
    await report(m.providerId, 'Sent');
    expect(await (await report(m.providerId, 'Success')).text()).toBe('OK (already recorded)');
    expect(await stateOf(m.id)).toMatchObject({ status: 'delivered' });
  });

  test('a failure the network may overcome goes back for a retry; one it cannot is dead-lettered', async () => {
    for (const [status, reason, expected] of [
      ['Failed', 'DeliveryFailure', 'pending'],
      ['AbsentSubscriber', undefined, 'pending'],
      ['Expired', undefined, 'pending'],
      ['Rejected', 'UserInBlackList', 'dead'],
      ['Failed', 'UserDoesNotExist', 'dead'],
      ['Failed', 'NotNetworkSubcriber', 'dead']
    ] as const) {
      const m = await sentSms();
      await report(m.providerId, status, reason);
      const state = await stateOf(m.id);
      expect(state.status, `${status} ${reason}`).toBe(expected);
      expect(state.lastError).toContain(status);
    }
  });

  test('a report for a message id not (yet) recorded gets 503, so the gateway retries; the retry is then applied', async () => {
    const m = await sentSms();
    const realId = m.providerId;
    await server.runtime.deps.sql`update outbox set provider_id = null where id = ${m.id}`; // the dispatcher has not written it yet
    expect((await report(realId, 'Success')).status).toBe(503);
    await server.runtime.deps.sql`update outbox set provider_id = ${realId} where id = ${m.id}`;
    expect((await report(realId, 'Success')).status).toBe(200);
    expect(await stateOf(m.id)).toMatchObject({ status: 'delivered' });
  });

  test('a report for an id that never becomes known is asked again only for a bounded time, then acknowledged', async () => {
    const id = 'ATXid_never_recorded_' + Date.now();
    expect((await report(id, 'Success')).status).toBe(503);
    server.clock.advance(UNKNOWN_REPORT_WAIT_MS - 60_000);
    expect((await report(id, 'Success')).status).toBe(503);
    server.clock.advance(60_000);
    const last = await report(id, 'Success');
    expect(last.status).toBe(200);
    expect(await last.text()).toBe('OK (unknown message id, dropped)');
  });
});

describe('callback secret', () => {
  test('a callback without the secret, or with a wrong one, is refused', async () => {
    const form = { sessionId: 's', serviceCode: '*384*123#', phoneNumber: '+919000000001', networkCode: '40401', text: '' };
    expect((await post('/sms/ussd', form, null)).status).toBe(403);
    expect((await post('/sms/ussd', form, 'wrong')).status).toBe(403);
    expect((await post('/sms/inbound', { from: '+919000000001', text: 'HELP', id: 'x' }, null)).status).toBe(403);
    expect((await post('/sms/delivery', { id: 'x', status: 'Success' }, null)).status).toBe(403);
    expect((await post('/sms/ussd', form)).status).toBe(200);
  });
});
