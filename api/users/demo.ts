// Development only: one account per role in block Barasat I (and a state officer, posted nowhere), so anyone can try every screen at once (issue 2).
import type { Role } from '../authz.ts';
import { hashPassword } from '../auth/password.ts';
import type { Deps } from '../deps.ts';

const demoAccounts: { role: Role; name: string; officeId: string | null }[] = [
  { role: 'citizen', name: 'Demo Citizen', officeId: null },
  { role: 'operator', name: 'Demo CSC Operator', officeId: 'n24pgs/barasat-sadar/barasat-i/csc-1' },
  { role: 'eo', name: 'Demo Enquiry Officer', officeId: 'n24pgs/barasat-sadar/barasat-i' },
  { role: 'bdo', name: 'Demo BDO Barasat I', officeId: 'n24pgs/barasat-sadar/barasat-i' },
  { role: 'sdo', name: 'Demo SDO Barasat Sadar', officeId: 'n24pgs/barasat-sadar' },
  { role: 'dm', name: 'Demo DM North 24 Parganas', officeId: 'n24pgs' },
  { role: 'admin', name: 'Demo Administrator', officeId: null },
  // Added last so the others keep their mobile numbers (the index below gives them).
  { role: 'state', name: 'Demo State Officer', officeId: null }
];

/** Creates the demo accounts that are missing and returns their user IDs. Refuses in production. */
export async function seedDemoUsers(deps: Pick<Deps, 'sql' | 'config'>): Promise<string[]> {
  if (deps.config.production) throw new Error('Demo accounts are never created in production.');
  const passwordHash = await hashPassword(deps.config.demoPassword);
  await deps.sql.begin(async (sql) => {
    for (const [i, a] of demoAccounts.entries()) {
      // Existing demo accounts are left as they are, password included.
      await sql`
        insert into users (id, name, mobile, role, office_id, lang, password_hash, must_change_password)
        values (${'demo-' + a.role}, ${a.name}, ${'+91900000000' + (i + 1)}, ${a.role}, ${a.officeId}, 'bn', ${passwordHash}, false)
        on conflict do nothing`;
    }
  });
  return demoAccounts.map((a) => 'demo-' + a.role);
}

/**
 * Demo accounts that exist in this database. A production start refuses while any does: their password is public
 * (README), so a database copied from a demo, or a production server once started as development by a mistyped
 * NODE_ENV, would otherwise let anyone in as administrator.
 */
export async function existingDemoUsers(sql: Deps['sql']): Promise<string[]> {
  const ids = demoAccounts.map((a) => 'demo-' + a.role);
  const rows = await sql<{ id: string }[]>`select id from users where id in ${sql(ids)} order by id`;
  return rows.map((r) => r.id);
}
