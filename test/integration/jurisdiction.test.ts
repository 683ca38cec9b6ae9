// Jurisdiction is described once (issue 16 item 4): `reach` in api/authz.ts. `canReadApplication` (what an officer
// may open) reads it in TypeScript, and the application lists write it as SQL (api/offices/jurisdiction.ts). For
// every role, posted at every level, the list must hold exactly the applications the officer may open.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { can, canReadApplication, covers, type Role } from '../../api/authz.ts';
import { listApplications } from '../../api/applications/queries.ts';
import { blocksCovered, getOffice } from '../../api/offices/offices.ts';
import type { User } from '../../api/users/user.ts';
import { makeAin } from '../../shared/ain.ts';
import { insertUser } from '../support/applications.ts';
import { insertDistrict } from '../support/district.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // Issue 15: a second district, so that "the district" and "everywhere" are told apart.
  await insertDistrict(server.runtime.deps.sql);
});
afterAll(() => server.close());

// Applications in two blocks of one subdivision, a block of another, and a municipal area; some assigned to EOs.
const places = [
  { office: 'n24pgs/barasat-sadar/barasat-i', eo: 'eo-a' },
  { office: 'n24pgs/barasat-sadar/barasat-i', eo: null },
  { office: 'n24pgs/barasat-sadar/deganga', eo: 'eo-a' }, // assigned to an EO who is posted elsewhere
  { office: 'n24pgs/bangaon/bagda', eo: 'eo-b' },
  { office: 'n24pgs/bidhannagar/bidhannagar-mc', eo: 'eo-c' },
  { office: 'testdist/sadar/alpha', eo: null } // another district
];

// Every role, posted at each level its role can hold, and some at offices that hold none of the applications.
const actors: { id: string; role: Role; officeId: string | null }[] = [
  { id: 'admin-x', role: 'admin', officeId: null },
  { id: 'state-x', role: 'state', officeId: null },
  { id: 'dm-other', role: 'dm', officeId: 'testdist' },
  { id: 'dm-x', role: 'dm', officeId: 'n24pgs' },
  { id: 'sdo-barasat', role: 'sdo', officeId: 'n24pgs/barasat-sadar' },
  { id: 'sdo-bangaon', role: 'sdo', officeId: 'n24pgs/bangaon' },
  { id: 'sdo-bidhannagar', role: 'sdo', officeId: 'n24pgs/bidhannagar' },
  { id: 'bdo-barasat-i', role: 'bdo', officeId: 'n24pgs/barasat-sadar/barasat-i' },
  { id: 'bdo-amdanga', role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga' },
  { id: 'eo-a', role: 'eo', officeId: 'n24pgs/barasat-sadar/barasat-i' },
  { id: 'eo-b', role: 'eo', officeId: 'n24pgs/bangaon/bagda' },
  { id: 'eo-c', role: 'eo', officeId: 'n24pgs/bidhannagar' },
  { id: 'demo-citizen', role: 'citizen', officeId: null },
  { id: 'demo-operator', role: 'operator', officeId: 'n24pgs/barasat-sadar/barasat-i/csc-1' }
];

test('for every role and posting, the list holds exactly the applications canReadApplication lets the officer open', async () => {
  const { sql } = server.runtime.deps;
  const now = server.clock.now();
  const apps = places.map((p, i) => ({ ...p, ain: makeAin(2026, '11', '0' + String(90 + i), i + 1) }));
  for (const [i, eo] of actors.filter((a) => a.role === 'eo').entries()) await insertUser(sql, { id: eo.id, role: 'eo', officeId: eo.officeId, mobile: `+9190000009${i}0` });
  for (const a of apps) {
    await sql`
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at,
                                sla_started_at, updated_at, idempotency_key, request_hash, assigned_eo_id)
      values (${a.ain}, ${a.eo ? 'under_enquiry' : 'submitted'}, 'demo-citizen', 'demo-citizen', 'web', ${a.office}, 'Test Applicant', '{}'::jsonb,
              ${now}, ${now}, ${now}, ${now}, ${'jurisdiction-' + a.ain}, 'x', ${a.eo})`;
  }
  const ours = new Set(apps.map((a) => a.ain));
  let compared = 0;
  for (const actor of actors) {
    const user = { ...actor, name: actor.id } as unknown as User;
    const listed = (await listApplications(sql, user, now)).map((r) => r.ain).filter((ain) => ours.has(ain));
    const actorOffice = actor.officeId ? await getOffice(sql, actor.officeId) : null;
    const readable: string[] = [];
    for (const a of apps) {
      const place = (await getOffice(sql, a.office))!;
      if (canReadApplication(actor, actorOffice, { applicantId: 'demo-citizen', filedBy: 'demo-citizen', assignedEoId: a.eo }, place)) readable.push(a.ain);
    }
    expect({ actor: actor.id, listed: listed.sort() }).toEqual({ actor: actor.id, listed: readable.sort() });
    compared += 1;
  }
  expect(compared).toBe(actors.length);
  // The table is not trivially empty or full: the levels tell the applications apart.
  const counts = await Promise.all(
    actors.map(async (a) => (await listApplications(sql, { ...a, name: a.id } as unknown as User, now)).filter((r) => ours.has(r.ain)).length)
  );
  expect(new Set(counts).size).toBeGreaterThan(3);
});

test('for every role and posting, the blocks of reports and escalations are exactly those `covers` reaches', async () => {
  const { sql } = server.runtime.deps;
  const blocks = await sql<{ id: string }[]>`select id from offices where kind in ('block', 'urban')`;
  for (const actor of actors) {
    const listed = (await blocksCovered(sql, actor)).map((b) => b.id).sort();
    const actorOffice = actor.officeId ? await getOffice(sql, actor.officeId) : null;
    const reached: string[] = [];
    for (const { id } of blocks) if (covers(actor, actorOffice, (await getOffice(sql, id))!)) reached.push(id);
    // Only the roles that read reports and escalations have blocks listed; for them the list is `covers`.
    const expected = can(actor, 'mis:read') ? reached.sort() : [];
    expect({ actor: actor.id, listed }).toEqual({ actor: actor.id, listed: expected });
  }
});
