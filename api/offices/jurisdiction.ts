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
  return withinSql(sql, r, actor.officeId);
}

/**
 * True for the rows whose office, joined as `o`, lies within `office` at this reach: the one place a reach becomes a
 * column. `office` is an id, or SQL naming one (an acting charge's office, the district of the SDO's subdivision).
 */
export function withinSql(sql: Queryable, r: 'district' | 'subdivision' | 'office', office: string | postgres.Fragment): postgres.Fragment {
  if (r === 'district') return sql`o.district_id = ${office}`;
  if (r === 'subdivision') return sql`o.subdivision_id = ${office}`;
  return sql`o.id = ${office}`;
}
