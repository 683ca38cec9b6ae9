// The MSDG provider against a local server that checks MSDG's hashes and DLT fields (GATEWAYS.md).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { smsTemplate } from '../../api/notify/templates.ts';
import { startMsdgMock, type MsdgMock } from '../mocks/msdg.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const account = { username: 'WBGOV-N24PGS', password: 'msdg password', senderId: 'WBEDST', secureKey: 'a1b2c3d4-secure-key' };
let server: TestServer;
let msdg: MsdgMock;

beforeAll(async () => {
  msdg = await startMsdgMock(account);
  server = await startTestServer(
    {
      SMS_PROVIDER: 'msdg',
      MSDG_URL: msdg.sendUrl,
      MSDG_USERNAME: account.username,
      MSDG_PASSWORD: account.password,
      MSDG_SENDER_ID: account.senderId,
      MSDG_SECURE_KEY: account.secureKey,
      MSDG_ENTITY_ID: '1101234567890123456'
    },
    { dispatchIntervalMs: 0 }
  );
  await insertUser(server.runtime.deps.sql, { id: 'WB88000001', role: 'citizen', mobile: '+919830081111' });
  await server.runtime.deps.sql`update users set lang = 'en' where id = 'WB88000001'`;
});
afterAll(async () => {
  await server.close();
  await msdg.stop();
});

async function apply(userId: string): Promise<string> {
  const c = await loginClient(server.url, userId);
  const documents = await uploadDocumentSet(c, server.origin);
  const res = await c.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

async function smsRow(ain: string) {
  const [row] = await server.runtime.deps.sql<{ status: string; providerId: string | null; lastError: string | null; body: string }[]>`
    select o.status, o.provider_id, o.last_error, o.body from outbox o join applications a on a.id = o.application_id
    where a.ain = ${ain} and o.channel = 'sms'`;
  return row!;
}

describe('MSDG (SMS_PROVIDER=msdg)', () => {
  test('a Bengali SMS goes as unicodemsg in &#NNNN; entities with the key hashed over them, and its DLT template id', async () => {
    const ain = await apply('demo-citizen'); // Bengali
    await dispatchDue(server.runtime.deps);
    const row = await smsRow(ain);
    expect(row.status).toBe('sent');
    expect(row.providerId).toMatch(/msdgsms$/);
    const sent = msdg.messages.find((m) => m.text.includes(ain))!;
    expect(sent).toMatchObject({ mobile: '9000000001', serviceType: 'unicodemsg', templateId: smsTemplate('received', 'bn').id, entityId: '1101234567890123456' });
    expect(sent.text).toBe(row.body);
  });

  test('an English SMS goes as singlemsg', async () => {
    const ain = await apply('WB88000001');
    await dispatchDue(server.runtime.deps);
    expect(msdg.messages.find((m) => m.text.includes(ain) && m.mobile === '9830081111')).toMatchObject({ mobile: '9830081111', serviceType: 'singlemsg', templateId: smsTemplate('received', 'en').id });
  });

  test('no credit (403) is retried; an invalid number (406) is dead', async () => {
    msdg.errorCode = 403;
    const ain = await apply('demo-citizen');
    await dispatchDue(server.runtime.deps);
    expect(await smsRow(ain)).toMatchObject({ status: 'pending', lastError: 'ERROR : 403 Service unavailable' });
    msdg.errorCode = 406;
    server.clock.advance(60_000);
    await dispatchDue(server.runtime.deps);
    expect(await smsRow(ain)).toMatchObject({ status: 'dead' });
    msdg.errorCode = null;
  });
});
