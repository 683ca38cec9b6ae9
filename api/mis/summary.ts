// The MIS summary (seed §D, feature 5) for a BDO, an SDO or the DM: what was received and decided in a period,
// what is pending now and at which step, how much of it is past its time, how long decisions take, by channel, by
// rejection reason and by block. Every figure is one aggregate query over the scope's blocks; the period filters
// use the indexes by office and date (018_mis_by_office.sql), the pending ones the partial index of pending
// applications.
import type { Queryable } from '../db/connect.ts';
import { pendingStatuses, type Status } from '../../shared/workflow.ts';
import { endOfKolkataDay, kolkataTime } from '../time.ts';
import { stepOf } from '../sla/rules.ts';

export interface BlockFigures {
  officeId: string;
  received: number;
  approved: number;
  rejected: number;
  pending: number;
  beyondSla: number;
  /** The period's decisions taken by the date the citizen was given: what a district's share is added up from. */
  onTime: number;
  /** Share of the period's decisions taken by the date the citizen was given; null with no decisions. */
  compliancePercent: number | null;
}

export interface MisSummary {
  from: string;
  to: string;
  totals: {
    received: number;
    disposed: number;
    approved: number;
    rejected: number;
    pendingByStep: { scrutiny: number; enquiry: number; approval: number; sentBack: number };
    pendingBeyondSla: number;
    compliancePercent: number | null;
    medianDisposalDays: number | null;
    p90DisposalDays: number | null;
  };
  channels: { web: number; kiosk: number; csc: number };
  rejectionReasons: { reason: string; count: number }[];
  blocks: BlockFigures[];
}

export const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
const days = (hours: number | null) => (hours === null ? null : Math.round((hours / 24) * 10) / 10);

/**
 * The p-th percentile, interpolated between neighbours as PostgreSQL's percentile_cont does, of values given as
 * value → how many times it occurs.
 */
export function percentile(counts: ReadonlyMap<number, number>, p: number): number | null {
  const values = [...counts].sort((a, b) => a[0] - b[0]);
  const n = values.reduce((sum, [, c]) => sum + c, 0);
  if (n === 0) return null;
  const at = (k: number) => {
    let seen = 0;
    for (const [value, c] of values) {
      seen += c;
      if (k < seen) return value;
    }
    return values.at(-1)![0];
  };
  const position = p * (n - 1);
  const below = Math.floor(position);
  return at(below) + (position - below) * (at(Math.min(n - 1, below + 1)) - at(below));
}

/** `from` and `to` are Kolkata dates, both included; pending figures are as at `now`. */
export async function misSummary(sql: Queryable, blockIds: string[], from: string, to: string, now: Date): Promise<MisSummary> {
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
