// Appeals under the West Bengal Right to Public Services Act, 2013 (issue 13 item 6; DESIGN §13) over real HTTP
// and a real database: filing against a rejection or a delay, the Appellate Officer's order, the second appeal to
// the Reviewing Officer with a penalty, the time limits, and the appeal's own escalation.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sweep } from '../../api/sla/sweeper.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, upload, testJpeg, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  await insertUser(server.runtime.deps.sql, { id: 'citizen-other', role: 'citizen', mobile: '+919830030001' });
}, 120_000);
afterAll(() => server?.close());

const as = (id: string) => loginClient(server.url, id);

async function submitted(): Promise<string> {
  const citizen = await as('demo-citizen');
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

async function rejected(): Promise<string> {
  const ain = await submitted();
  const res = await (await as('demo-bdo')).post(`/api/applications/${ain}/actions`, { action: 'reject', version: 1, reason: 'not_resident', remarks: 'Not found at the address.' });
  expect(res.status).toBe(200);
  return ain;
}

const grounds = 'I have lived at this address for twenty years; the neighbours were not asked.';

describe('first appeal against a rejection (issue 13 item 6)', () => {
  test('the citizen appeals with a document; the SDO allows it with a direction to issue in 7 days; the BDO issues', async () => {
    const ain = await rejected();
    const citizen = await as('demo-citizen');
    const doc = await upload(citizen, server.origin, { bytes: await testJpeg(3), name: 'ration-card.jpg', type: 'image/jpeg' }, 'appeal');
    expect(doc.status).toBe(201);
    const filed = await citizen.post(`/api/applications/${ain}/appeals`, { grounds, documentIds: [doc.body.id] });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ level: 1, ground: 'rejected', appellateRole: 'sdo', appellateOfficeId: 'n24pgs/barasat-sadar', status: 'pending' });
    expect(new Date(filed.body.decideBy).getTime() - new Date(filed.body.filedAt).getTime()).toBe(30 * DAY);
    expect((await citizen.post(`/api/applications/${ain}/appeals`, { grounds })).body.error.code).toBe('appeal_exists');

    const sdo = await as('demo-sdo');
    expect((await sdo.get('/api/appeals')).body.appeals.map((a: { ain: string }) => a.ain)).toContain(ain);
    const id = filed.body.id;
    // Not the BDO whose decision is appealed, not the DM (a first appeal of a BDO's decision is the SDO's).
    expect((await (await as('demo-bdo')).post(`/api/appeals/${id}/order`, { outcome: 'dismiss', reasons: 'The rejection was right.' })).status).toBe(403);
    expect((await (await as('demo-dm')).post(`/api/appeals/${id}/order`, { outcome: 'dismiss', reasons: 'The rejection was right.' })).status).toBe(403);
    const noDays = await sdo.post(`/api/appeals/${id}/order`, { outcome: 'allow', reasons: 'The enquiry did not ask the neighbours.' });
    expect(noDays.status).toBe(400);
    expect(Object.keys(noDays.body.error.fields)).toEqual(['directionDays']);
    const penaltyOnFirst = await sdo.post(`/api/appeals/${id}/order`, { outcome: 'allow', reasons: 'The enquiry did not ask the neighbours.', directionDays: 7, penaltyRupees: 500, penaltyReasons: 'Rejected without enquiry.' });
    expect(penaltyOnFirst.status).toBe(400);
    expect(Object.keys(penaltyOnFirst.body.error.fields)).toEqual(['penaltyRupees']);

    const allowed = await sdo.post(`/api/appeals/${id}/order`, { outcome: 'allow', reasons: 'The enquiry did not ask the neighbours.', directionDays: 7 });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ status: 'allowed', directionDays: 7 });
    expect((await sdo.post(`/api/appeals/${id}/order`, { outcome: 'dismiss', reasons: 'Changed my mind entirely.' })).body.error.code).toBe('appeal_decided');

    const bdo = await as('demo-bdo');
    const detail = (await bdo.get(`/api/applications/${ain}`)).body;
    expect(detail).toMatchObject({ status: 'submitted' });
    expect(new Date(detail.dueAt).getTime()).toBe(server.clock.now().getTime() + 7 * DAY);
    expect(detail.events.map((e: { action: string }) => e.action).slice(-2)).toEqual(['appeal_filed', 'appeal_allowed']);
    const approved = await bdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version: detail.version, remarks: 'No field enquiry needed: the documents settle residence.' });
    expect(approved.status).toBe(200);
    const [messages] = await server.runtime.deps.sql<{ count: number }[]>`
      select count(*)::int as count from outbox o join applications a on a.id = o.application_id
      where a.ain = ${ain} and o.template in ('appeal_filed', 'appeal_decided') and o.channel = 'sms'`;
    expect(messages!.count).toBe(2);
  });

  test('a second appeal waits for the first; after a dismissal the DM reviews and records a penalty on the Designated Officer', async () => {
    const ain = await rejected();
    const citizen = await as('demo-citizen');
    const first = await citizen.post(`/api/applications/${ain}/appeals`, { grounds });
    expect(first.status).toBe(201);
    const early = await citizen.post(`/api/applications/${ain}/appeals`, { level: 2, grounds });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('first_appeal_pending');
    expect((await (await as('demo-sdo')).post(`/api/appeals/${first.body.id}/order`, { outcome: 'dismiss', reasons: 'The enquiry report is clear.' })).status).toBe(200);

    const second = await citizen.post(`/api/applications/${ain}/appeals`, { level: 2, grounds: 'The SDO did not look at my ration card or my voter card.' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ level: 2, ground: 'first_appeal', appellateRole: 'dm', appellateOfficeId: 'n24pgs', firstAppealId: first.body.id });
    const dm = await as('demo-dm');
    const badPenalty = await dm.post(`/api/appeals/${second.body.id}/order`, { outcome: 'allow', reasons: 'The residence is proved by the ration card.', directionDays: 5, penaltyRupees: 2000, penaltyReasons: 'Rejected without reasonable cause.' });
    expect(badPenalty.status).toBe(400);
    expect(Object.keys(badPenalty.body.error.fields)).toEqual(['penaltyRupees']);
    const ordered = await dm.post(`/api/appeals/${second.body.id}/order`, { outcome: 'allow', reasons: 'The residence is proved by the ration card.', directionDays: 5, penaltyRupees: 500, penaltyReasons: 'Rejected without reasonable cause.' });
    expect(ordered.status).toBe(200);
    expect(ordered.body).toMatchObject({ status: 'allowed', penaltyRupees: 500, penaltyReasons: 'Rejected without reasonable cause.' });
    const [row] = await server.runtime.deps.sql<{ designatedUserId: string }[]>`select designated_user_id from appeals where id = ${second.body.id}`;
    expect(row!.designatedUserId).toBe('demo-bdo');
  });

  test('only the applicant appeals, and only against a rejection or a delay', async () => {
    const ain = await submitted();
    const early = await (await as('demo-citizen')).post(`/api/applications/${ain}/appeals`, { grounds });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('appeal_not_open');
    const rejectedAin = await rejected();
    expect((await (await as('citizen-other')).post(`/api/applications/${rejectedAin}/appeals`, { grounds })).status).toBe(403);
    const short = await (await as('demo-citizen')).post(`/api/applications/${rejectedAin}/appeals`, { grounds: 'no' });
    expect(short.status).toBe(400);
    expect(Object.keys(short.body.error.fields)).toEqual(['grounds']);
  });
});

describe('time limits of the appeals (issue 13 item 6)', () => {
  test('a decision not made in time can be appealed; an appeal not decided in time is escalated to the DM; one filed after 30 days is out of time', async () => {
    const late = await submitted();
    const old = await rejected();
    const pending = await rejected();
    expect((await (await as('demo-citizen')).post(`/api/applications/${pending}/appeals`, { grounds })).status).toBe(201);

    server.clock.advance(12 * DAY); // past the stipulated time of `late` (T+6 working days)
    const delayed = await (await as('demo-citizen')).post(`/api/applications/${late}/appeals`, { grounds: 'No decision twelve days after I applied.' });
    expect(delayed.status).toBe(201);
    expect(delayed.body.ground).toBe('delayed');

    server.clock.advance(20 * DAY); // 32 days after the rejections
    const outOfTime = await (await as('demo-citizen')).post(`/api/applications/${old}/appeals`, { grounds });
    expect(outOfTime.status).toBe(409);
    expect(outOfTime.body.error.code).toBe('appeal_out_of_time');

    await sweep(server.runtime.deps);
    const sql = server.runtime.deps.sql;
    const [escalated] = await sql<{ escalatedAt: Date | null }[]>`
      select p.escalated_at from appeals p join applications a on a.id = p.application_id where a.ain = ${pending}`;
    expect(escalated!.escalatedAt).not.toBeNull();
    const [told] = await sql<{ count: number }[]>`
      select count(*)::int as count from outbox o join applications a on a.id = o.application_id
      where a.ain = ${pending} and o.template = 'appeal_to_decide' and o.user_id = 'demo-dm'`;
    expect(told!.count).toBeGreaterThan(0);
    await sweep(server.runtime.deps);
    const [again] = await sql<{ count: number }[]>`
      select count(*)::int as count from outbox o join applications a on a.id = o.application_id
      where a.ain = ${pending} and o.template = 'appeal_to_decide' and o.user_id = 'demo-dm'`;
    expect(again!.count).toBe(told!.count);
  });
});
