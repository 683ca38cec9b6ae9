// The MIS summary as it was computed before the counters of migrations/020_mis_daily_figures.sql: plain aggregate
// queries over applications. It is the reference the counters are checked against (test/integration/mis-counters.test.ts
// and the state-scale benchmark). Its queries are kept word for word, so that "the same figures" means what it meant;
// the summary is assembled from them by the app's own assembleMisSummary, so the two can differ only in what they read.
import type { Queryable } from '../../api/db/connect.ts';
import { assembleMisSummary, type MisSummary } from '../../api/mis/summary.ts';
import { endOfKolkataDay, kolkataTime } from '../../api/time.ts';
import { pendingStatuses, type Status } from '../../shared/workflow.ts';

/** The MIS as the plain queries over applications give it; `from` and `to` are Kolkata dates, both included. */
export async function liveMisSummary(sql: Queryable, blockIds: string[], from: string, to: string, now: Date): Promise<MisSummary> {
  const start = kolkataTime(from, 0);
  const end = endOfKolkataDay(to);
  const [received, decided, pending] = await Promise.all([
    sql<{ officeId: string; channel: 'web' | 'kiosk' | 'csc'; count: number }[]>`
      select office_id, channel, count(*)::int as count from applications
      where submitted_at between ${start} and ${end} and office_id in ${sql(blockIds)}
      group by office_id, channel`,
    // One pass over the period's decisions gives everything about them: per block, per reason, and the disposal
    // times to the nearest hour, from which the median and the 90th percentile are read below. Disposal time runs
    // from the first submission (the citizen's wait); "on time" compares with the date last given to the citizen,
    // which a resubmission resets. The hours are rounded half up in floating point: extract() answers numeric, whose
    // arithmetic was a third of the state's yearly summary at 10,000,000 applications (test/bench/state-scale.ts).
    sql<{ officeId: string; reason: string | null; rejected: boolean; hours: number; count: number; onTime: number }[]>`
      select office_id, decision_code as reason, status = 'rejected' as rejected,
             floor(date_part('epoch', decided_at - submitted_at) / 3600 + 0.5)::int as hours,
             count(*)::int as count, count(*) filter (where decided_at <= due_at)::int as on_time
      from applications
      where decided_at between ${start} and ${end} and office_id in ${sql(blockIds)}
      group by 1, 2, 3, 4`,
    sql<{ officeId: string; status: Status; count: number; late: number }[]>`
      select office_id, status, count(*)::int as count, count(*) filter (where step_due_at < ${now})::int as late
      from applications
      where status = any(${pendingStatuses}) and office_id in ${sql(blockIds)}
      group by office_id, status`
  ]);

  const reasons = new Map<string, number>();
  const durations = new Map<number, number>();
  for (const r of decided) {
    if (r.rejected) reasons.set(r.reason ?? 'other', (reasons.get(r.reason ?? 'other') ?? 0) + r.count);
    durations.set(r.hours, (durations.get(r.hours) ?? 0) + r.count);
  }
  const perOffice = decided.map((r) => ({ officeId: r.officeId, approved: r.rejected ? 0 : r.count, rejected: r.rejected ? r.count : 0, onTime: r.onTime }));
  return assembleMisSummary(from, to, blockIds, { received, decided: perOffice, durations, reasons, pending });
}
