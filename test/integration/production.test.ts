import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: 'production', ORIGIN: 'https://edistrict.example.gov.in', AADHAAR_KEY: 'ab'.repeat(32) });
});
afterAll(() => server.close());

describe('production mode', () => {
  test('no demo accounts are seeded', async () => {
    const res = await new Client(server.url).post('/api/auth/login', { login: 'demo-admin', password: 'demo-password' });
    expect(res.status).toBe(401);
  });

  test('the dev routes answer 404 and messages are not recorded', async () => {
    const reg = await new Client(server.url).post('/api/auth/register', { name: 'Real Citizen', mobile: '9830099999' }, { origin: 'https://edistrict.example.gov.in' });
    expect(reg.status).toBe(201);
    const res = await new Client(server.url).get('/api/dev/outbox');
    expect(res.status).toBe(404);
    const [row] = await server.runtime.deps.sql<{ count: number }[]>`select count(*)::int as count from dev_messages`;
    expect(row?.count).toBe(0);
  });

  test('behind https the session cookie is Secure and HSTS is sent', async () => {
    const sql = server.runtime.deps.sql;
    const { hashPassword } = await import('../../api/auth/password.ts');
    await sql`insert into users (id, name, mobile, role, password_hash) values ('WB11111111', 'Prod User', '+919830088888', 'citizen', ${await hashPassword('a long password')})`;
    const res = await new Client(server.url).post('/api/auth/login', { login: 'WB11111111', password: 'a long password' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  test('gateway callbacks are refused when no SMS_CALLBACK_SECRET is set', async () => {
    for (const path of ['/sms/ussd', '/sms/inbound', '/sms/inbound/msdg', '/sms/delivery']) {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', body: new URLSearchParams({ sessionId: 's', phoneNumber: '+919000000001', text: '', id: 'x', status: 'Success' }) });
      expect(res.status, path).toBe(403);
    }
  });
});
