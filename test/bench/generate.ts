// The benchmarks' applications, made by one set-based generator: sla-mis.ts's million in North 24 Parganas's blocks
// and state-scale.ts's ten million across the state differ only in the offices they spread over, how many, and
// how many are still open. Row g decides everything about itself, so a run is deterministic.
import type { Sql } from '../../api/db/connect.ts';

export interface Generation {
  /** The offices the applications are spread over, evenly. */
  officeIds: string[];
  total: number;
  /** How many are still with an officer: rows 1..open. */
  open: number;
  /** The benchmark's now: submissions fall in the 700 days before it. */
  now: Date;
  /** Rows per statement (and transaction). */
  batch: number;
  progress?: (written: number) => void;
}

/**
 * `total` applications over the 700 days before `now`; `open` of them still with an officer (one in ten of those
 * past its time and one in ten due in the evening, for a reminder; one in twenty past L1's), the rest decided 1–12
 * days after submission: 70 % approved, 15 % delivered, 15 % rejected. Foreign keys and triggers are off for the
 * load (the generator names only offices and users that exist), the MIS's counters among the triggers: they are
 * counted afterwards in one statement, as migration 020 does, since ten million rows each counted by a trigger
 * would take hours. The users 'bench-citizen' must exist.
 */
export async function generateApplications(sql: Sql, g: Generation): Promise<void> {
  for (let first = 1; first <= g.total; first += g.batch) {
    const last = Math.min(g.total, first + g.batch - 1);
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`
        with offices as (select ${g.officeIds}::text[] as ids, ${g.officeIds.length}::int as n),
        g as (
          select g, ${g.now}::timestamptz - ((g * 7919 % 700) || ' days')::interval - ((g % 86400) || ' seconds')::interval as submitted,
                 g <= ${g.open} as is_open, (g * 31 % 100) as roll
          from generate_series(${first}::bigint, ${last}::bigint) g)
        insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at,
                                  sla_started_at, step_due_at, l1_due_at, updated_at, decided_at, decision_code, idempotency_key, request_hash)
        select (26000000000000 + g)::text,
               case when is_open then (array['submitted', 'under_enquiry', 'enquiry_reported'])[(g % 3) + 1]
                    when roll < 70 then 'approved' when roll < 85 then 'delivered' else 'rejected' end,
               'bench-citizen', 'bench-citizen', (array['web', 'web', 'kiosk', 'csc'])[(g % 4) + 1], offices.ids[(g * 104729 % offices.n) + 1], 'Bench Applicant', '{}'::jsonb,
               case when is_open then ${g.now}::timestamptz - ((g % 20) || ' days')::interval else submitted end,
               submitted + interval '7 days', submitted,
               case when is_open then ${g.now}::timestamptz + case g % 10 when 0 then interval '-1 day' when 1 then interval '13 hours 29 minutes' else ((g % 5 + 1) || ' days')::interval end end,
               case when is_open then ${g.now}::timestamptz + case when g % 20 = 0 then interval '-1 hour' else ((g % 5 + 3) || ' days')::interval end end,
               submitted,
               case when is_open then null else submitted + (((g % 12) + 1) || ' days')::interval + ((g % 3600) || ' seconds')::interval end,
               case when not is_open and roll >= 85 then (array['documents_insufficient', 'not_resident', 'false_information', 'duplicate', 'other'])[(g % 5) + 1] end,
               'bench-' || g, 'x'
        from g, offices`;
    });
    g.progress?.(last);
  }
  await sql`select mis_rebuild()`;
}
