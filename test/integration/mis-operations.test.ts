// MIS for the people who run the district (issue 13 item 7): per-officer disposal and on-time share, appeals, and
// counter activity, for the DM and the SDO.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { createLogger } from '../../api/log.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0, log: createLogger('error') });
}, 120_000);
afterAll(() => server?.close());

async function submitted(): Promise<string> {
  const citizen = await loginClient(server.url, 'demo-citizen');
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

describe('MIS for the DM and the SDO (issue 13 item 7)', () => {
  test('per officer, appeals and counters, in the reader jurisdiction; not for a BDO', async () => {
    const bdo = await loginClient(server.url, 'demo-bdo');
    const [a, b] = [await submitted(), await submitted()];
    await submitted(); // still pending: not a disposal
    expect((await bdo.post(`/api/applications/${a}/actions`, { action: 'approve', version: 1, remarks: 'No field enquiry needed: the documents settle residence.' })).status).toBe(200);
    expect((await bdo.post(`/api/applications/${b}/actions`, { action: 'reject', version: 1, reason: 'duplicate', remarks: 'Already applied last month.' })).status).toBe(200);
    const citizen = await loginClient(server.url, 'demo-citizen');
    const appeal = await citizen.post(`/api/applications/${b}/appeals`, { grounds: 'The earlier application was withdrawn; this is not a duplicate.' });
    expect(appeal.status).toBe(201);
    expect((await (await loginClient(server.url, 'demo-sdo')).post(`/api/appeals/${appeal.body.id}/order`, { outcome: 'allow', reasons: 'The earlier one was withdrawn.', directionDays: 5 })).status).toBe(200);
    const op = await loginClient(server.url, 'demo-operator');
    const check = await op.post('/api/counter/identity-checks', { method: 'photo_id', ain: a, dateOfBirth: '1998-04-14', idType: 'epic', idNumber: 'WB01234567' });
    expect(check.status).toBe(201);
    expect((await fetch(`${server.url}/api/counter/prints`, { method: 'POST', headers: { cookie: op.cookie, 'content-type': 'application/json', origin: server.origin }, body: JSON.stringify({ checkId: check.body.checkId, copies: 2 }) })).status).toBe(200);

    for (const who of ['demo-dm', 'demo-sdo']) {
      const res = await (await loginClient(server.url, who)).get('/api/mis/operations');
      expect(res.status, who).toBe(200);
      expect(res.body.officers).toEqual([{ officerId: 'demo-bdo', name: 'Demo BDO Barasat I', role: 'bdo', officeName: 'Barasat I', officeNameBn: 'বারাসত ১', decided: 2, approved: 1, rejected: 1, onTime: 2, onTimePercent: 100 }]);
      expect(res.body.appeals).toEqual({ filed: 1, decided: 1, pending: 0, allowed: 1, dismissed: 0, overdue: 0, penalties: 0, penaltyRupees: 0 });
      const csc = res.body.counters.find((c: { counterId: string }) => c.counterId === 'n24pgs/barasat-sadar/barasat-i/csc-1');
      expect(csc).toMatchObject({ prints: 1, copies: 2, filed: 0 });
    }
    const sdoCounters = (await (await loginClient(server.url, 'demo-sdo')).get('/api/mis/operations')).body.counters as { counterId: string }[];
    expect(sdoCounters.map((c) => c.counterId)).not.toContain('n24pgs/kiosk'); // the DM's kiosk is not the subdivision's
    expect((await bdo.get('/api/mis/operations')).status).toBe(403);
    expect((await (await loginClient(server.url, 'demo-citizen')).get('/api/mis/operations')).status).toBe(403);
  });
});
