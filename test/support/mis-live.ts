// The MIS summary as it was computed before the counters of migrations/020_mis_daily_figures.sql: plain aggregate
// queries over applications. It is the reference the counters are checked against (test/integration/mis-counters.test.ts
// and the state-scale benchmark), kept word for word so that "the same figures" means what it meant.
import type { Queryable } from '../../api/db/connect.ts';
import { percent, percentile, type BlockFigures, type MisSummary } from '../../api/mis/summary.ts';
import { endOfKolkataDay, kolkataTime } from '../../api/time.ts';
import { stepOf } from '../../api/sla/rules.ts';
import { pendingStatuses, type Status } from '../../shared/workflow.ts';

const days = (hours: number | null) => (hours === null ? null : Math.round((hours / 24) * 10) / 10);

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

  const blocks = new Map<string, BlockFigures>(
    blockIds.map((id) => [id, { officeId: id, received: 0, approved: 0, rejected: 0, pending: 0, beyondSla: 0, compliancePercent: null, onTime: 0 }])
  );
  const channels = { web: 0, kiosk: 0, csc: 0 };
  for (const r of received) {
    blocks.get(r.officeId)!.received += r.count;
    channels[r.channel] += r.count;
  }
  const reasons = new Map<string, number>();
  const durations = new Map<number, number>();
  for (const r of decided) {
    const b = blocks.get(r.officeId)!;
    if (r.rejected) {
      b.rejected += r.count;
      reasons.set(r.reason ?? 'other', (reasons.get(r.reason ?? 'other') ?? 0) + r.count);
    } else b.approved += r.count;
    b.onTime += r.onTime;
    durations.set(r.hours, (durations.get(r.hours) ?? 0) + r.count);
  }
  const pendingByStep = { scrutiny: 0, enquiry: 0, approval: 0, sentBack: 0 };

  let beyond = 0;
  for (const r of pending) {
    const b = blocks.get(r.officeId)!;
    b.pending += r.count;
    b.beyondSla += r.late;
    beyond += r.late;
    pendingByStep[stepOf(r.status) ?? 'sentBack'] += r.count;
  }
  const rows = [...blocks.values()];
  const approved = rows.reduce((n, b) => n + b.approved, 0);
  const rejected = rows.reduce((n, b) => n + b.rejected, 0);
  const onTime = rows.reduce((n, b) => n + b.onTime, 0);
  return {
    from,
    to,
    totals: {
      received: rows.reduce((n, b) => n + b.received, 0),
      disposed: approved + rejected,
      approved,
      rejected,
      pendingByStep,
      pendingBeyondSla: beyond,
      compliancePercent: percent(onTime, approved + rejected),
      medianDisposalDays: days(percentile(durations, 0.5)),
      p90DisposalDays: days(percentile(durations, 0.9))
    },
    channels,
    rejectionReasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    blocks: rows.map((b) => ({ ...b, compliancePercent: percent(b.onTime, b.approved + b.rejected) }))
  };
}
