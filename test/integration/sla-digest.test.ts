// Digests (DESIGN §5, api/sla/sweeper.ts): an officer with more new escalations or reminders of one kind in one sweep
// than SLA_DIGEST_AFTER (2 here) gets one message saying how many, of which office or how many offices, and the
// first due date, leading to the page that lists them; up to the limit, one message per application as before. Every
// breach is recorded either way. Then: a part of the sweep that fails does not undo or hide the others'. The test
// clock starts on Friday 27 November 2026, 10:30 in Kolkata.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sweep, SweepFailed } from '../../api/sla/sweeper.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { insertDistrict, type TestDistrict } from '../support/district.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let other: TestDistrict;

beforeAll(async () => {
  server = await startTestServer({ SLA_DIGEST_AFTER: '2' }, { dispatchIntervalMs: 0 });
  const sql = server.runtime.deps.sql;
  await sql`update users set email = 'bdo@example.org' where id = 'demo-bdo'`;
  await sql`update users set email = 'dm@example.org' where id = 'demo-dm'`;
  await sql`update users set lang = 'en' where id = 'demo-admin'`;
  other = await insertDistrict(sql);
  await sql`update users set email = 'bdo-other@example.org' where id = ${other.users.bdo}`;
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

/** Messages of these templates written after the outbox id `after`, by recipient, template, channel. */
async function messagesAfter(after: number, templates: string[]) {
  return server.runtime.deps.sql<{ userId: string; template: string; channel: string; body: string; link: string; ain: string | null }[]>`
    select o.user_id, o.template, o.channel, o.body, o.link, a.ain from outbox o left join applications a on a.id = o.application_id
    where o.id > ${after} and o.template in ${server.runtime.deps.sql(templates)} order by o.user_id, o.template, o.channel, a.ain`;
}
const lastOutboxId = async () => (await server.runtime.deps.sql<{ id: number }[]>`select coalesce(max(id), 0)::int as id from outbox`)[0]!.id;

/** Moves the clock to a Kolkata time and sweeps: what the sweep counted, and the messages of these templates it wrote. */
async function sweepAt(kolkata: string, templates: string[]) {
  const mark = await lastOutboxId();
  moveTo(kolkata);
  const result = await sweep(server.runtime.deps);
  return { result, messages: await messagesAfter(mark, templates) };
}
const breachCount = async (level: string) => (await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from sla_breaches where level = ${level}`)[0]!.n;

describe('digests', () => {
  test('more than SLA_DIGEST_AFTER new events for one officer make one message each way; up to it, one per application', async () => {
    const origin = server.runtime.deps.config.origin;
    for (const block of ['barasat-i', 'barasat-i', 'barasat-i', 'deganga']) await apply(`n24pgs/barasat-sadar/${block}`);
    const elsewhere = [await apply(other.block), await apply(other.block)].sort();

    // 09:00 on the due day of scrutiny (Saturday 28): the BDO of Barasat I is reminded of three at once, by email;
    // the other district's BDO, of two, hears of each.
    const morning = await sweepAt('2026-11-28T09:00:00', ['reminder', 'reminder_digest']);
    expect(morning.result.reminders).toBe(6);
    const reminders = morning.messages.filter((m) => m.userId === 'demo-bdo' || m.userId === other.users.bdo);
    expect(reminders.map((m) => `${m.userId} ${m.template} ${m.channel} ${m.link} ${m.ain}`)).toEqual([
      `demo-bdo reminder_digest email ${origin}/applications null`,
      ...elsewhere.map((ain) => `${other.users.bdo} reminder email ${origin}/applications/${ain} ${ain}`)
    ]);
    expect(reminders[0]!.body).toContain('মনে করাই: 3টি আবেদন (বারাসত ১) 28-11-2026 এর মধ্যে বাকি।');

    // Past it: the DM hears of the four breaches of two blocks in one message on each channel; the other district's
    // DM of its two, one by one.
    const { result: late, messages: escalations } = await sweepAt('2026-11-29T01:00:00', ['escalation', 'escalation_digest']);
    expect(late.breaches).toBe(6);
    expect(await breachCount('responsible')).toBe(6);
    expect(escalations.map((m) => `${m.userId} ${m.template} ${m.channel} ${m.link}`)).toEqual([
      `demo-dm escalation_digest email ${origin}/monitoring`,
      `demo-dm escalation_digest sms ${origin}/monitoring`,
      ...elsewhere.map((ain) => `${other.users.dm} escalation sms ${origin}/applications/${ain}`)
    ]);
    expect(escalations[1]!.body).toBe('এসক্যালেশন: 4টি আবেদন (2টি অফিস) সময়সীমা পেরিয়েছে, প্রথমটির শেষ তারিখ 28-11-2026। -ই-ডিস্ট্রিক্ট');

    // Two more, filed on Sunday (scrutiny due Monday 30): exactly the limit, so the DM hears of each by itself.
    const second = [await apply(), await apply()].sort();
    const { result: atLimit, messages: each } = await sweepAt('2026-12-01T01:00:00', ['escalation', 'escalation_digest']);
    expect(atLimit.breaches).toBe(2);
    expect(each.map((m) => `${m.userId} ${m.template} ${m.channel} ${m.ain}`)).toEqual(
      ['email', 'sms'].flatMap((channel) => second.map((ain) => `demo-dm escalation ${channel} ${ain}`))
    );

    // The first six pass L1's time (Tuesday 1 December). The administrator hears of all six, of three offices in two
    // districts, in one message (in English, their language), leading to the dashboard: they have no Escalations page.
    // Our DM gets one message of four, said apart from the step's own; the other DM, at the limit, one per application.
    const { result: pastL1, messages: l1 } = await sweepAt('2026-12-02T01:00:00', ['escalation', 'l1_escalation_digest']);
    expect(pastL1.l1Breaches).toBe(6);
    expect(await breachCount('l1')).toBe(6);
    expect(l1.map((m) => `${m.userId} ${m.template} ${m.channel} ${m.link}`)).toEqual([
      `demo-admin l1_escalation_digest sms ${origin}/dashboard`,
      `demo-dm l1_escalation_digest email ${origin}/monitoring`,
      `demo-dm l1_escalation_digest sms ${origin}/monitoring`,
      ...elsewhere.map((ain) => `${other.users.dm} escalation sms ${origin}/applications/${ain}`)
    ]);
    expect(l1[0]!.body).toBe("Escalation: 6 applications in 3 offices are past the L1 officer's time limit too, the first due on 01-12-2026. -eDistrict WB");
    expect(l1[2]!.body).toContain('এসক্যালেশন: 4টি আবেদন (2টি অফিস) L1 সময়সীমাও পেরিয়েছে');
  });
});

describe('a part of the sweep that fails', () => {
  test('does not undo the parts that committed, which the error counts', async () => {
    const ain = await apply();
    const [due] = await server.runtime.deps.sql<{ stepDueAt: Date }[]>`select step_due_at from applications where ain = ${ain}`;
    server.clock.advance(due!.stepDueAt.getTime() + 60_000 - server.clock.now().getTime());
    // The third transaction the sweep opens (the reminders) fails at once; the first two run as they would.
    const sql = server.runtime.deps.sql;
    let opened = 0;
    const failing = new Proxy(sql, {
      get(target, key, receiver) {
        if (key !== 'begin') return Reflect.get(target, key, receiver);
        const begin = target.begin.bind(target) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => (++opened === 3 ? Promise.reject(new Error('reminders refused (test)')) : begin(...args));
      }
    });
    const error = await sweep({ ...server.runtime.deps, sql: failing }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SweepFailed);
    expect((error as SweepFailed).done.breaches).toBe(1);
    expect((error as SweepFailed).errors.map(String)).toEqual(['Error: reminders refused (test)']);
    const [recorded] = await sql<{ n: number }[]>`
      select count(*)::int as n from sla_breaches b join applications a on a.id = b.application_id where a.ain = ${ain} and b.level = 'responsible'`;
    expect(recorded!.n).toBe(1);
  });
});
