import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client, oneTimePasswordFor } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function as(userId: string) {
  const c = new Client(server.url);
  expect((await c.post('/api/auth/login', { login: userId, password: 'demo-password' })).status).toBe(200);
  return c;
}

describe('offices (DESIGN §3)', () => {
  test('the district, its 5 subdivisions and 22 blocks are seeded with AIN codes', async () => {
    const { offices } = (await new Client(server.url).get('/api/offices?district=n24pgs')).body as { offices: { id: string; kind: string; code: string; subdivisionId: string }[] };
    expect(offices.filter((o) => o.kind === 'district').map((o) => o.code)).toEqual(['11']);
    expect(offices.filter((o) => o.kind === 'subdivision')).toHaveLength(5);
    const blocks = offices.filter((o) => o.kind === 'block');
    expect(blocks).toHaveLength(22);
    expect(new Set(blocks.map((b) => b.code)).size).toBe(22);
    for (const b of blocks) expect(b.code).toMatch(/^\d{3}$/);
    expect(blocks.filter((b) => b.subdivisionId === 'n24pgs/basirhat')).toHaveLength(10);
    expect(blocks.filter((b) => b.subdivisionId === 'n24pgs/bidhannagar')).toHaveLength(0);
  });
});

describe('demo accounts (development mode)', () => {
  test('one demo user per role in Barasat I logs in with the demo password and no forced change', async () => {
    const expected = {
      citizen: null,
      operator: 'n24pgs/barasat-sadar/barasat-i/csc-1',
      eo: 'n24pgs/barasat-sadar/barasat-i',
      bdo: 'n24pgs/barasat-sadar/barasat-i',
      sdo: 'n24pgs/barasat-sadar',
      dm: 'n24pgs',
      admin: null
    };
    for (const [role, officeId] of Object.entries(expected)) {
      const me = (await (await as('demo-' + role)).get('/api/auth/me')).body.user;
      expect(me).toMatchObject({ id: 'demo-' + role, role, officeId, mustChangePassword: false });
    }
  });
});

describe('the administrator creates officers and operators', () => {
  test('an admin creates a BDO, who gets a one-time password and must change it', async () => {
    const admin = await as('demo-admin');
    const res = await admin.post('/api/users', { name: 'Partha Sen', mobile: '9433012345', email: 'bdo.amdanga@example.gov.in', role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga' });
    expect(res.status).toBe(201);
    const otp = await oneTimePasswordFor(server.url, '+919433012345');
    const bdo = new Client(server.url);
    const login = await bdo.post('/api/auth/login', { login: res.body.userId, password: otp });
    expect(login.body.user).toMatchObject({ role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga', mustChangePassword: true });
    const list = (await admin.get('/api/users')).body.users as { id: string; officeName: string }[];
    expect(list.find((u) => u.id === res.body.userId)?.officeName).toBe('Amdanga');
  });

  test('an operator is posted to a kiosk or CSC, an SDO to a subdivision; a mismatched office is refused', async () => {
    const admin = await as('demo-admin');
    const ok = await admin.post('/api/users', { name: 'Kiosk Operator', mobile: '9433012346', role: 'operator', officeId: 'n24pgs/kiosk' });
    expect(ok.status).toBe(201);
    const mismatches = [
      { role: 'operator', officeId: 'n24pgs/barasat-sadar/amdanga' },
      { role: 'sdo', officeId: 'n24pgs/barasat-sadar/amdanga' },
      { role: 'bdo', officeId: 'n24pgs/basirhat' },
      { role: 'dm', officeId: 'n24pgs/barasat-sadar' },
      { role: 'eo', officeId: 'no/such/office' }
    ];
    for (const m of mismatches) {
      const res = await admin.post('/api/users', { name: 'Wrong Posting', mobile: '9433012399', ...m });
      expect(res.status, JSON.stringify(m)).toBe(400);
      expect(res.body.error.fields).toEqual({ officeId: 'Choose an office that matches the role.' });
    }
    const badRole = await admin.post('/api/users', { name: 'Another Admin', mobile: '9433012398', role: 'admin', officeId: 'n24pgs' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.fields.role).toBe('Choose a role.');
  });

  test('nobody but the administrator can create staff; nobody below the SDO can list them', async () => {
    for (const role of ['citizen', 'operator', 'eo', 'bdo', 'sdo', 'dm']) {
      const c = await as('demo-' + role);
      const create = await c.post('/api/users', { name: 'Sneaky Officer', mobile: '9433012397', role: 'dm', officeId: 'n24pgs' });
      expect(create.status, role).toBe(403);
      expect(create.body.error.code).toBe('forbidden');
      if (role !== 'sdo' && role !== 'dm') expect((await c.get('/api/users')).status, role).toBe(403);
    }
    const anonymous = await new Client(server.url).post('/api/users', { name: 'Sneaky Officer', mobile: '9433012397', role: 'dm', officeId: 'n24pgs' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
  });

  test("the DM lists the district's staff, the SDO the officers who may hold an acting charge, each with whether the account is active", async () => {
    type Listed = { id: string; role: string; deactivatedAt: string | null };
    const byDm = (await (await as('demo-dm')).get('/api/users')).body.users as Listed[];
    expect(byDm.map((u) => u.id)).toEqual(expect.arrayContaining(['demo-operator', 'demo-eo', 'demo-bdo', 'demo-sdo', 'demo-dm']));
    expect(byDm.map((u) => u.id)).not.toContain('demo-admin'); // posted nowhere, managed by no DM
    expect(byDm.find((u) => u.id === 'demo-eo')?.deactivatedAt).toBeNull();
    const bySdo = (await (await as('demo-sdo')).get('/api/users')).body.users as (Listed & { mobile: string; email: string | null })[];
    expect(new Set(bySdo.map((u) => u.role))).toEqual(new Set(['eo', 'bdo', 'sdo']));
    // The SDO needs names and posts to name an acting officer, not the officers' contact details.
    const eo = bySdo.find((u) => u.id === 'demo-eo')!;
    expect(eo.mobile).toMatch(/^\+91\*+\d{4}$/);
    expect(bySdo.every((u) => u.email === null)).toBe(true);
    expect((byDm as (Listed & { mobile: string })[]).find((u) => u.id === 'demo-eo')?.mobile).toMatch(/^\+91\d{10}$/);
  });
});
