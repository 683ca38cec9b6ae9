// MIS for the people who run the district (issue 13 item 7): who decided how much and how much of it on time, the
// appeals under the RTPS Act, and what each counter did, over a period and the reader's jurisdiction.
import type { Sql } from '../db/connect.ts';
import { endOfKolkataDay, kolkataTime } from '../time.ts';

export interface OfficerRow {
  officerId: string;
  name: string;
  role: string;
  officeName: string;
  /** The office's Bengali name, so the page writes it in the reader's language (Hindi from the glossary). */
  officeNameBn: string;
  decided: number;
  approved: number;
  rejected: number;
  onTime: number;
  onTimePercent: number | null;
}

export interface CounterRow {
  counterId: string;
  nameEn: string;
  nameBn: string;
  kind: string;
  filed: number;
  prints: number;
  copies: number;
}

export interface AppealTotals {
  filed: number;
  decided: number;
  pending: number;
  allowed: number;
  dismissed: number;
  overdue: number;
  penalties: number;
  penaltyRupees: number;
}

/**
 * `offices`: the blocks and municipal areas in scope. Decisions are counted for the officer who took them (the
 * audit trail's actor), on time when made by the date the citizen was given.
 */
export async function misOperations(sql: Sql, offices: string[], districtId: string, subdivisionId: string | null, from: string, to: string, now: Date) {
  // Kolkata dates, both included, as in the summary.
  const start = kolkataTime(from, 0);
  const end = new Date(endOfKolkataDay(to).getTime() + 1);
  const [officers, appeals, counters] = await Promise.all([
    sql<OfficerRow[]>`
      select e.actor_id as officer_id, u.name, u.role, coalesce(o.name_en, '') as office_name, coalesce(o.name_bn, '') as office_name_bn,
             count(*)::int as decided,
             count(*) filter (where e.action = 'approve')::int as approved,
             count(*) filter (where e.action = 'reject')::int as rejected,
             count(*) filter (where e.at <= a.due_at)::int as on_time,
             round(100.0 * count(*) filter (where e.at <= a.due_at) / count(*), 1)::float8 as on_time_percent
      from application_events e
      join applications a on a.id = e.application_id
      join users u on u.id = e.actor_id
      left join offices o on o.id = u.office_id
      where e.action in ('approve', 'reject') and e.at >= ${start} and e.at < ${end} and a.office_id in ${sql(offices)}
      group by e.actor_id, u.name, u.role, o.name_en, o.name_bn
      order by decided desc, u.name`,
    sql<AppealTotals[]>`
      select count(*)::int as filed,
             count(*) filter (where p.status <> 'pending')::int as decided,
             count(*) filter (where p.status = 'pending')::int as pending,
             count(*) filter (where p.status = 'allowed')::int as allowed,
             count(*) filter (where p.status = 'dismissed')::int as dismissed,
             count(*) filter (where p.status = 'pending' and p.decide_by < ${now})::int as overdue,
             count(p.penalty_rupees)::int as penalties,
             coalesce(sum(p.penalty_rupees), 0)::int as penalty_rupees
      from appeals p join applications a on a.id = p.application_id
      where p.filed_at >= ${start} and p.filed_at < ${end} and a.office_id in ${sql(offices)}`,
    sql<CounterRow[]>`
      select * from (
        select c.id as counter_id, c.name_en, c.name_bn, c.kind,
               (select count(*)::int from applications a where a.filing_office_id = c.id and a.submitted_at >= ${start} and a.submitted_at < ${end}) as filed,
               (select count(*)::int from certificate_prints p where p.counter_id = c.id and p.printed_at >= ${start} and p.printed_at < ${end}) as prints,
               (select coalesce(sum(p.copies), 0)::int from certificate_prints p where p.counter_id = c.id and p.printed_at >= ${start} and p.printed_at < ${end}) as copies
        from offices c
        where c.kind in ('kiosk', 'csc') and c.district_id = ${districtId}
          ${subdivisionId ? sql`and c.subdivision_id = ${subdivisionId}` : sql``}
      ) counters
      order by filed + prints desc, name_en`
  ]);
  return { officers, appeals: appeals[0]!, counters };
}
