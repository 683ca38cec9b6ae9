// Escalations that can act (issue 13 item 3; DESIGN §13): the DM, L1 of a late scrutiny or decision, takes the
// application over and decides it himself, or hands it to an acting officer; each recorded as taken over.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEvents, verifyChain } from '../../api/applications/audit.ts';
import { sweep } from '../../api/sla/sweeper.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  await insertUser(server.runtime.deps.sql, { id: 'bdo-deganga', role: 'bdo', officeId: 'n24pgs/barasat-sadar/deganga', mobile: '+919830050001', name: 'Arup Ghosh' });
}, 120_000);
afterAll(() => server?.close());

async function submitted(): Promise<string> {
  const citizen = await loginClient(server.url, 'demo-citizen');
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

/** Moves the clock past the scrutiny's due time and sweeps; returns the breach of that application, as the DM sees it. */
async function lateScrutiny(ain: string, dm: () => Promise<Client>) {
  // Three days on, whatever weekday the test clock has reached, T+1 (working days) has passed.
  server.clock.advance(72 * HOUR);
  await sweep(server.runtime.deps);
  const res = await (await dm()).get('/api/sla/escalations');
  expect(res.status).toBe(200);
  const breach = (res.body.breaches as { id: string; ain: string; step: string }[]).find((b) => b.ain === ain);
  expect(breach).toMatchObject({ step: 'scrutiny' });
  return { breach: breach!, handOverTo: res.body.handOverTo as { id: string }[] };
}

const dm = () => loginClient(server.url, 'demo-dm');

describe('the DM takes over a late scrutiny (issue 13 item 3)', () => {
  test('and approves it himself, signing as District Magistrate; the audit says "taken over on escalation"', async () => {
    const ain = await submitted();
    const { breach } = await lateScrutiny(ain, dm);
    const magistrate = await dm();
    // Nobody else takes over: not the block's BDO, not the SDO.
    for (const who of ['demo-bdo', 'demo-sdo']) expect((await (await loginClient(server.url, who)).post(`/api/sla/breaches/${breach.id}/take-over`, { remarks: 'I will handle this one' })).status).toBe(403);
    const short = await magistrate.post(`/api/sla/breaches/${breach.id}/take-over`, { remarks: 'ok' });
    expect(short.status).toBe(400);

    const taken = await magistrate.post(`/api/sla/breaches/${breach.id}/take-over`, { remarks: 'Pending for two days; deciding it myself' });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ ain, handlerId: 'demo-dm', version: 2 });
    expect((await magistrate.post(`/api/sla/breaches/${breach.id}/take-over`, { remarks: 'Pending for two days; deciding it myself' })).body.error.code).toBe('already_taken_over');

    const detail = (await magistrate.get(`/api/applications/${ain}`)).body;
    expect(detail.actions).toEqual(expect.arrayContaining(['approve', 'reject', 'send_back']));
    const approved = await magistrate.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 2, remarks: 'No field enquiry needed: the documents settle residence.' });
    expect(approved.status).toBe(200);

    const pdf = await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: magistrate.cookie } });
    expect(actualText(new Uint8Array(await pdf.arrayBuffer()))).toContain('District Magistrate, North 24 Parganas');
    const sql = server.runtime.deps.sql;
    const [row] = await sql<{ id: string; handlerId: string | null }[]>`select id::text, handler_id from applications where ain = ${ain}`;
    expect(row!.handlerId).toBeNull(); // the hand-over ends with the decision
    const events = await listEvents(sql, row!.id);
    expect(events.slice(-2).map((e) => [e.action, e.actorId, e.capacity])).toEqual([
      ['take_over', 'demo-dm', 'taken over on escalation'],
      ['approve', 'demo-dm', 'taken over on escalation']
    ]);
    expect(verifyChain(events)).toBeNull();
    const escalations = (await magistrate.get('/api/sla/escalations?all=1')).body.breaches as { id: string; takenOverAt: string | null; handledBy: string | null }[];
    expect(escalations.find((b) => b.id === breach.id)).toMatchObject({ handledBy: 'Demo DM North 24 Parganas' });
  });

  test('and hands it to an acting officer of the district, who sends it back; the handed officer is told', async () => {
    const ain = await submitted();
    const { breach, handOverTo } = await lateScrutiny(ain, dm);
    expect(handOverTo.map((c) => c.id)).toEqual(expect.arrayContaining(['bdo-deganga', 'demo-sdo']));
    const magistrate = await dm();
    const notAnOfficer = await magistrate.post(`/api/sla/breaches/${breach.id}/take-over`, { handTo: 'demo-citizen', remarks: 'Hand to the citizen?' });
    expect(notAnOfficer.status).toBe(400);
    expect(Object.keys(notAnOfficer.body.error.fields)).toEqual(['handTo']);
    const taken = await magistrate.post(`/api/sla/breaches/${breach.id}/take-over`, { handTo: 'bdo-deganga', remarks: 'BDO Barasat I on tour; BDO Deganga to decide' });
    expect(taken.status).toBe(200);
    const acting = await loginClient(server.url, 'bdo-deganga');
    expect((await acting.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);
    const back = await acting.post(`/api/applications/${ain}/actions`, { action: 'send_back', version: 2, remarks: 'The residence certificate is not legible.' });
    expect(back.status).toBe(200);
    // Sent back: the hand-over is over, and the acting officer no longer sees it.
    expect((await acting.get(`/api/applications/${ain}`)).status).toBe(403);
    const history = (await magistrate.get(`/api/applications/${ain}`)).body.events as { action: string; remarks: string; capacity: string | null }[];
    expect(history.find((e) => e.action === 'take_over')).toMatchObject({ remarks: 'handed to Arup Ghosh: BDO Barasat I on tour; BDO Deganga to decide', capacity: 'taken over on escalation' });
    expect(history.at(-1)).toMatchObject({ action: 'send_back', capacity: 'taken over on escalation' });
  });

  test('a late enquiry is not for the DM to take over; a settled breach cannot be taken over', async () => {
    const ain = await submitted();
    const bdo = await loginClient(server.url, 'demo-bdo');
    expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    server.clock.advance(7 * 24 * HOUR);
    await sweep(server.runtime.deps);
    const magistrate = await dm();
    const breaches = (await magistrate.get('/api/sla/escalations?all=1')).body.breaches as { id: string; ain: string; step: string }[];
    const enquiry = breaches.find((b) => b.ain === ain && b.step === 'enquiry');
    const scrutiny = breaches.find((b) => b.ain === ain && b.step === 'scrutiny');
    expect((await magistrate.post(`/api/sla/breaches/${enquiry!.id}/take-over`, { remarks: 'Taking the enquiry over' })).body.error.code).toBe('not_takeable');
    if (scrutiny) expect((await magistrate.post(`/api/sla/breaches/${scrutiny.id}/take-over`, { remarks: 'Taking the scrutiny over' })).body.error.code).toBe('breach_settled');
  });
});
