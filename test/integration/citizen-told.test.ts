// What the citizen is told is true, complete and reaches them (issue 12; DESIGN §12): an honest certificate,
// revocation and reasons on every channel, the right contacts, and what the citizen sees of the enquiry.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;
let bdo: Client;
let eo: Client;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
  eo = await loginClient(server.url, 'demo-eo');
}, 120_000);
afterAll(() => server?.close());

async function newApplication(overrides: Record<string, unknown> = {}, by = citizen): Promise<string> {
  const documents = await uploadDocumentSet(by, server.origin);
  const res = await by.post('/api/applications', { applicant: validApplicant(overrides), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

const act = (who: Client, ain: string, body: Record<string, unknown>) => who.post(`/api/applications/${ain}/actions`, body);

async function reported(recommendation: 'recommend' | 'do_not_recommend'): Promise<string> {
  const ain = await newApplication();
  expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
  const res = await eo.post(
    `/api/applications/${ain}/report`,
    {
      version: 2,
      visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
      findings: 'Met neighbours Abdul Karim and Mita Sen; the applicant was not known to them at this address.',
      recommendation,
      position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
      photos: []
    },
    { 'idempotency-key': idempotencyKey() }
  );
  expect(res.status).toBe(201);
  return ain;
}

async function certificateText(ain: string): Promise<string> {
  const res = await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: citizen.cookie } });
  expect(res.status).toBe(200);
  return actualText(new Uint8Array(await res.arrayBuffer())).replace(/\s+/g, ' ');
}

describe('an honest certificate (item 2)', () => {
  test('approved straight from "received": a recorded reason is required, and the certificate does not claim an enquiry', async () => {
    const ain = await newApplication();
    const bare = await act(bdo, ain, { action: 'approve', version: 1 });
    expect(bare.status).toBe(400);
    expect(bare.body.error.fields.remarks).toMatch(/without a field enquiry/);
    const res = await act(bdo, ain, { action: 'approve', version: 1, remarks: 'Known resident; documents are conclusive.' });
    expect(res.status).toBe(200);
    const text = await certificateText(ain);
    expect(text).not.toContain('local enquiry');
    expect(text).toContain('as scrutinised by the Block Development Officer');
    expect(text).not.toContain('স্থানীয় তদন্তের');
    const events = (await bdo.get(`/api/applications/${ain}`)).body.events as { action: string; remarks: string | null }[];
    expect(events.find((e) => e.action === 'approve')?.remarks).toContain('Known resident; documents are conclusive.');
  });

  test('approved after a field enquiry that recommends: no reason needed, and the certificate says there was an enquiry', async () => {
    const ain = await reported('recommend');
    expect((await act(bdo, ain, { action: 'approve', version: 3 })).status).toBe(200);
    const text = await certificateText(ain);
    expect(text).toContain('and a local enquiry');
    expect(text).toContain('স্থানীয় তদন্তের');
  });

  test('approved against a "do not recommend" report: a recorded reason is required', async () => {
    const ain = await reported('do_not_recommend');
    const bare = await act(bdo, ain, { action: 'approve', version: 3 });
    expect(bare.status).toBe(400);
    expect(bare.body.error.fields.remarks).toMatch(/not to recommend/);
    expect((await act(bdo, ain, { action: 'approve', version: 3, remarks: 'Ration card and voter roll confirm the address.' })).status).toBe(200);
  });
});
