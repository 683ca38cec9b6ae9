// `covers` (api/authz.ts) as a SQL condition, for the lists that must show an officer exactly the records `covers`
// lets them open. Both read the one table, `reach`; test/integration/jurisdiction.test.ts checks they agree.
import postgres from 'postgres';
import { reach, type Role } from '../authz.ts';
import type { Queryable } from '../db/connect.ts';

/** True for the rows whose office, joined as `o`, lies within the actor's jurisdiction. */
export function coveredSql(sql: Queryable, actor: { role: Role; officeId: string | null }): postgres.Fragment {
  const r = reach[actor.role];
  if (r === 'everywhere') return sql`true`;
  if (r === 'none' || actor.officeId === null) return sql`false`;
  if (r === 'district') return sql`o.district_id = ${actor.officeId}`;
  if (r === 'subdivision') return sql`o.subdivision_id = ${actor.officeId}`;
  return sql`o.id = ${actor.officeId}`;
}
