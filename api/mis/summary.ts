// The MIS summary (seed §D, feature 5) for a BDO, an SDO or the DM: what was received and decided in a period,
// what is pending now and at which step, how much of it is past its time, how long decisions take, by channel, by
// rejection reason and by block. Every figure is one aggregate query over the scope's blocks: the period's from the
// counters per office and day or month (020_mis_daily_figures.sql), the pending ones from the partial index of
// pending applications.
import type { Queryable } from '../db/connect.ts';
import { pendingStatuses, type Status } from '../../shared/workflow.ts';
import { DAY_MS } from '../time.ts';
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
function percentile(counts: ReadonlyMap<number, number>, p: number): number | null {
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

/**
 * A period of whole days split for the counters of 020_mis_daily_figures.sql: the whole months it covers, read from
 * the month rows, and the days before and after them, read from the day rows. Each is a range of dates, both ends
 * included, empty when the start is after the end. Dates are "2026-11-27" strings and compare as such.
 */
export function periodSpans(from: string, to: string) {
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  const monthStart = (date: string, add: number) => {
    const d = new Date(date + 'T00:00:00Z');
    return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
  };
  const dayBefore = (date: string) => iso(Date.parse(date + 'T00:00:00Z') - DAY_MS);
  const dayAfter = iso(Date.parse(to + 'T00:00:00Z') + DAY_MS);
  const firstMonth = from.endsWith('-01') ? from : monthStart(from, 1);
  const lastMonth = monthStart(dayAfter, -1); // the month that ends by `to`
  // No whole month: the days alone. The empty ranges start after `to`: [to, from] is not empty when the period is
  // one day, and on the 1st of a month that day's month row (the whole month so far) was counted with the day's.
  if (firstMonth > lastMonth || firstMonth > to) return { head: [from, to], months: [dayAfter, to], tail: [dayAfter, to] } as const;
  return { head: [from, dayBefore(firstMonth)], months: [firstMonth, lastMonth], tail: [monthStart(lastMonth, 1), to] } as const;
}

/** `from` and `to` are Kolkata dates, both included; pending figures are as at `now`. */
export async function misSummary(sql: Queryable, blockIds: string[], from: string, to: string, now: Date): Promise<MisSummary> {
  // The period's receipts and decisions are sums of the counters kept per office, day and month by triggers on
  // applications (020_mis_daily_figures.sql): a year is about a hundred rows per office, where reading the
  // applications themselves was about 15,000 index entries per office at state scale. The counters repeat the
  // expressions of the plain queries over applications (test/support/mis-live.ts, against which a test checks
  // them): disposal hours from the first submission rounded half up, "on time" against the date last given to the
  // citizen, which a resubmission resets.
  const { head, months, tail } = periodSpans(from, to);
  const inPeriod = sql`
    office_id in ${sql(blockIds)} and (
      (not month and day between ${head[0]}::date and ${head[1]}::date)
      or (month and day between ${months[0]}::date and ${months[1]}::date)
      or (not month and day between ${tail[0]}::date and ${tail[1]}::date))`;
  const [received, decided, reasonRows, pending] = await Promise.all([
    sql<{ officeId: string; channel: 'web' | 'kiosk' | 'csc'; count: number }[]>`
      select office_id, channel, sum(count)::int as count from mis_received where ${inPeriod}
      group by office_id, channel`,
    // Per office its decisions, and over all of them the disposal times to the nearest hour, from which the median
    // and the 90th percentile are read below.
    sql<{ officeId: string | null; hours: number | null; approved: number; rejected: number; onTime: number }[]>`
      select office_id, hours, sum(approved)::int as approved, sum(rejected)::int as rejected, sum(on_time)::int as on_time
      from mis_decided where ${inPeriod}
      group by grouping sets (office_id, hours)`,
    sql<{ reason: string; count: number }[]>`
      select reason, sum(count)::int as count from mis_rejections where ${inPeriod}
      group by reason having sum(count) <> 0`,
    sql<{ officeId: string; status: Status; count: number; late: number }[]>`
      select office_id, status, count(*)::int as count, count(*) filter (where step_due_at < ${now})::int as late
      from applications
      where status = any(${pendingStatuses}) and office_id in ${sql(blockIds)}
      group by office_id, status`
  ]);

  const reasons = new Map(reasonRows.map((r) => [r.reason, r.count]));
  const durations = new Map<number, number>();
  const offices: MisFigures['decided'][number][] = [];
  for (const r of decided) {
    if (r.officeId !== null) offices.push({ officeId: r.officeId, approved: r.approved, rejected: r.rejected, onTime: r.onTime });
    else if (r.approved + r.rejected !== 0) durations.set(r.hours!, r.approved + r.rejected);
  }
  return assembleMisSummary(from, to, blockIds, { received, decided: offices, durations, reasons, pending });
}

/** What the queries of a summary give, however they were read: from the counters or from the applications. */
export interface MisFigures {
  received: readonly { officeId: string; channel: 'web' | 'kiosk' | 'csc'; count: number }[];
  /** The period's decisions per office (an office may come more than once: they are added up). */
  decided: readonly { officeId: string; approved: number; rejected: number; onTime: number }[];
  /** Disposal time to the nearest hour → how many of the period's decisions took it. */
  durations: ReadonlyMap<number, number>;
  /** Rejection reason → how many. */
  reasons: ReadonlyMap<string, number>;
  /** Applications pending now, per office and status, and how many of them are past their step's due time. */
  pending: readonly { officeId: string; status: Status; count: number; late: number }[];
}

/**
 * The summary from its figures: per block, totals, shares and percentiles. One function for the counters and for
 * the reference over applications (test/support/mis-live.ts), so the two can differ only in what they read.
 */
export function assembleMisSummary(from: string, to: string, blockIds: readonly string[], figures: MisFigures): MisSummary {
  const blocks = new Map<string, BlockFigures>(
    blockIds.map((id) => [id, { officeId: id, received: 0, approved: 0, rejected: 0, pending: 0, beyondSla: 0, compliancePercent: null, onTime: 0 }])
  );
  const channels = { web: 0, kiosk: 0, csc: 0 };
  for (const r of figures.received) {
    blocks.get(r.officeId)!.received += r.count;
    channels[r.channel] += r.count;
  }
  for (const r of figures.decided) {
    const b = blocks.get(r.officeId)!;
    b.approved += r.approved;
    b.rejected += r.rejected;
    b.onTime += r.onTime;
  }
  const pendingByStep = { scrutiny: 0, enquiry: 0, approval: 0, sentBack: 0 };
  let beyond = 0;
  for (const r of figures.pending) {
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
      medianDisposalDays: days(percentile(figures.durations, 0.5)),
      p90DisposalDays: days(percentile(figures.durations, 0.9))
    },
    channels,
    rejectionReasons: [...figures.reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    blocks: rows.map((b) => ({ ...b, compliancePercent: percent(b.onTime, b.approved + b.rejected) }))
  };
}
