// Digests (DESIGN §5, api/sla/sweeper.ts): an officer with more new escalations or reminders in one sweep than
// SLA_DIGEST_AFTER (2 here) gets one message saying how many, of which office or how many offices, and the first due
// date, leading to the page that lists them; up to the limit, one message per application as before. Every breach
// is recorded either way. The test clock starts on Friday 27 November 2026, 10:30 in Kolkata.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sweep } from '../../api/sla/sweeper.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SLA_DIGEST_AFTER: '2' }, { dispatchIntervalMs: 0 });
  const sql = server.runtime.deps.sql;
  await sql`update users set email = 'bdo@example.org' where id = 'demo-bdo'`;
  await sql`update users set email = 'dm@example.org' where id = 'demo-dm'`;
});
afterAll(() => server.close());

async function apply(blockId = 'n24pgs/barasat-sadar/barasat-i'): Promise<string> {
  const citizen = await loginClient(server.url, 'demo-citizen');
  const documents = await uploadDocumentSet(citizen, server.origin);
  const applicant = validApplicant({ presentAddress: { ...validApplicant().presentAddress, blockId } });
  const res = await citizen.post('/api/applications', { applicant, documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

/** The clock to a Kolkata time. */
function moveTo(kolkata: string) {
  server.clock.advance(Date.parse(`${kolkata}+05:30`) - server.clock.now().getTime());
}

/** Messages written since `after` (an outbox id), as `user template channel: body`. */
async function messagesAfter(after: number, templates: string[]) {
  const rows = await server.runtime.deps.sql<{ id: number; userId: string; template: string; channel: string; body: string; link: string; applicationId: string | null }[]>`
    select id::int, user_id, template, channel, body, link, application_id::text from outbox
    where id > ${after} and template in ${server.runtime.deps.sql(templates)} order by user_id, template, channel, id`;
  return rows;
}
const lastOutboxId = async () => (await server.runtime.deps.sql<{ id: number }[]>`select coalesce(max(id), 0)::int as id from outbox`)[0]!.id;
const breachCount = async (level: string) => (await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from sla_breaches where level = ${level}`)[0]!.n;

test('more than SLA_DIGEST_AFTER new events for one officer make one message each way; up to it, one per application', async () => {
  const origin = server.runtime.deps.config.origin;
  for (const block of ['barasat-i', 'barasat-i', 'barasat-i', 'deganga']) await apply(`n24pgs/barasat-sadar/${block}`);

  // 09:00 on the due day of scrutiny (Saturday 28): the BDO of Barasat I is reminded of three at once, by email.
  let mark = await lastOutboxId();
  moveTo('2026-11-28T09:00:00');
  expect((await sweep(server.runtime.deps)).reminders).toBe(4);
  const reminders = (await messagesAfter(mark, ['reminder', 'reminder_digest'])).filter((m) => m.userId === 'demo-bdo');
  expect(reminders.map((m) => `${m.template} ${m.channel} ${m.link} ${m.applicationId}`)).toEqual([`reminder_digest email ${origin}/applications null`]);
  expect(reminders[0]!.body).toContain('মনে করাই: 3টি আবেদন (বারাসত ১) 28-11-2026 এর মধ্যে বাকি।');

  // Past it: the DM hears of the four breaches of two blocks in one message on each channel.
  mark = await lastOutboxId();
  moveTo('2026-11-29T01:00:00');
  expect((await sweep(server.runtime.deps)).breaches).toBe(4);
  expect(await breachCount('responsible')).toBe(4);
  const escalations = await messagesAfter(mark, ['escalation', 'escalation_digest']);
  expect(escalations.map((m) => `${m.userId} ${m.template} ${m.channel} ${m.link}`)).toEqual([
    `demo-dm escalation_digest email ${origin}/monitoring`,
    `demo-dm escalation_digest sms ${origin}/monitoring`
  ]);
  expect(escalations[1]!.body).toBe('এসক্যালেশন: 4টি আবেদন (2টি অফিস) সময়সীমা পেরিয়েছে, প্রথমটির শেষ তারিখ 28-11-2026। -ই-ডিস্ট্রিক্ট');

  // Two more, filed on Sunday (scrutiny due Monday 30): exactly the limit, so the DM hears of each by itself.
  const second = [await apply(), await apply()];
  mark = await lastOutboxId();
  moveTo('2026-12-01T01:00:00');
  expect((await sweep(server.runtime.deps)).breaches).toBe(2);
  const each = await messagesAfter(mark, ['escalation', 'escalation_digest']);
  expect(each.map((m) => `${m.userId} ${m.template} ${m.channel}`)).toEqual(['demo-dm escalation email', 'demo-dm escalation email', 'demo-dm escalation sms', 'demo-dm escalation sms']);
  expect(each.filter((m) => m.channel === 'sms').map((m) => m.body.match(/\d{14}/)![0]).sort()).toEqual([...second].sort());

  // The first four pass L1's time (Tuesday 1 December): the DM and the administrator each get one message of four.
  mark = await lastOutboxId();
  moveTo('2026-12-02T01:00:00');
  expect((await sweep(server.runtime.deps)).l1Breaches).toBe(4);
  expect(await breachCount('l1')).toBe(4);
  const l1 = await messagesAfter(mark, ['escalation', 'escalation_digest']);
  expect(l1.map((m) => `${m.userId} ${m.template} ${m.channel}`)).toEqual([
    'demo-admin escalation_digest sms',
    'demo-dm escalation_digest email',
    'demo-dm escalation_digest sms'
  ]);
  expect(l1[0]!.body).toContain('4টি আবেদন (2টি অফিস)');
});
