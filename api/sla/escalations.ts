// The higher offices' view of late applications (seed feature 7: "alert for Higher Office to monitor online"): the
// live breaches by block, the breaches themselves, and an officer's acknowledgement of one.
import type { Queryable, Sql } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { blocksCovered } from '../offices/offices.ts';
import type { User } from '../users/user.ts';
import { stepOfApplicationSql } from './rules.ts';

export interface BlockBreaches {
  officeId: string;
  live: number;
  l1: number;
  unacknowledged: number;
}

export interface Breach {
  id: string;
  ain: string;
  officeId: string;
  step: 'scrutiny' | 'enquiry' | 'approval';
  level: 'responsible' | 'l1';
  dueAt: Date;
  detectedAt: Date;
  escalatedTo: 'bdo' | 'sdo' | 'dm';
  status: string;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  comment: string | null;
  takenOverAt: Date | null;
  handledBy: string | null;
}

/**
 * The breaches of these blocks as the viewer sees them: the live ones counted per block, and the breaches (the live
 * ones, or with `all` the settled ones too), unacknowledged first, the most overdue at the top.
 */
export async function breachesOf(sql: Queryable, viewer: Pick<User, 'role'>, officeIds: string[], all: boolean): Promise<{ counts: BlockBreaches[]; breaches: Breach[] }> {
  // The BDO is L1 of the enquiries; the scrutiny and decision steps are the BDO's own and go to the DM.
  const onlyOwn = viewer.role === 'bdo' ? sql`and b.step = 'enquiry'` : sql``;
  // Live: the application still waits in that step, on the same due time (a resubmission or a re-enquiry sets
  // new ones, and the old breach is history). `all=1` adds the settled ones.
  const live = sql`${stepOfApplicationSql(sql)} = b.step
    and b.due_at = case b.level when 'responsible' then a.step_due_at else a.l1_due_at end`;
  const [counts, breaches] = await Promise.all([
    sql<BlockBreaches[]>`
      select b.office_id, count(distinct b.application_id)::int as live,
             count(distinct b.application_id) filter (where b.level = 'l1')::int as l1,
             count(distinct b.application_id) filter (where b.acknowledged_at is null)::int as unacknowledged
      from sla_breaches b join applications a on a.id = b.application_id
      where b.office_id in ${sql(officeIds)} and ${live} ${onlyOwn}
      group by b.office_id`,
    sql<Breach[]>`
      select b.id::text, a.ain, b.office_id, b.step, b.level, b.due_at, b.detected_at, b.escalated_to, a.status,
             b.acknowledged_at, u.name as acknowledged_by, b.ack_comment as comment, b.taken_over_at, h.name as handled_by
      from sla_breaches b join applications a on a.id = b.application_id left join users u on u.id = b.acknowledged_by
      left join users h on h.id = b.handed_to
      where b.office_id in ${sql(officeIds)} ${all ? sql`` : sql`and ${live}`} ${onlyOwn}
      order by b.acknowledged_at nulls first, b.due_at
      limit 500`
  ]);
  return { counts, breaches };
}

/**
 * The officer a breach was escalated to (or the DM) acknowledges it, saying what is being done. The breach row is
 * locked, so of two acknowledgements at once the second is refused.
 */
export async function acknowledgeBreach(db: Sql, officer: User, id: string, comment: string, at: Date): Promise<void> {
  await db.begin(async (sql) => {
    const [b] = await sql<{ officeId: string; escalatedTo: string; acknowledgedAt: Date | null }[]>`
      select office_id, escalated_to, acknowledged_at from sla_breaches where id = ${id} for update`;
    if (!b) throw new ApiError(404, 'not_found');
    const blocks = await blocksCovered(sql, officer);
    const mine = blocks.some((o) => o.id === b.officeId) && (officer.role === b.escalatedTo || officer.role === 'dm');
    if (!mine) throw new ApiError(403, 'forbidden');
    if (b.acknowledgedAt) throw new ApiError(409, 'already_acknowledged');
    await sql`update sla_breaches set acknowledged_at = ${at}, acknowledged_by = ${officer.id}, ack_comment = ${comment} where id = ${id}`;
  });
}
