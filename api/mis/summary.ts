// The MIS summary (seed §D, feature 5) for a BDO, an SDO or the DM: what was received and decided in a period,
// what is pending now and at which step, how much of it is past its time, how long decisions take, by channel, by
// rejection reason and by block. Every figure is one aggregate query over the scope's blocks; the period filters
// use the submitted_at and decided_at indexes, the pending ones the partial index of pending applications.
import type { Queryable } from '../db/connect.ts';
import { endOfKolkataDay, kolkataTime } from '../sla/calendar.ts';

export interface BlockFigures {
  officeId: string;
  received: number;
  approved: number;
  rejected: number;
  pending: number;
  beyondSla: number;
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

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
const days = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 86_400) * 10) / 10);

/** `from` and `to` are Kolkata dates, both included; pending figures are as at `now`. */
export async function misSummary(sql: Queryable, blockIds: string[], from: string, to: string, now: Date): Promise<MisSummary> {
  const start = kolkataTime(from, 0);
  const end = endOfKolkataDay(to);
  const [received, decided, timing, reasons, pending] = await Promise.all([
    sql<{ officeId: string; channel: 'web' | 'kiosk' | 'csc'; count: number }[]>`
      select office_id, channel, count(*)::int as count from applications
      where submitted_at between ${start} and ${end} and office_id in ${sql(blockIds)}
      group by office_id, channel`,
    sql<{ officeId: string; approved: number; rejected: number; onTime: number }[]>`
      select office_id,
             count(*) filter (where status <> 'rejected')::int as approved,
             count(*) filter (where status = 'rejected')::int as rejected,
             count(*) filter (where decided_at <= due_at)::int as on_time
      from applications
      where decided_at between ${start} and ${end} and office_id in ${sql(blockIds)}
      group by office_id`,
    sql<{ median: number | null; p90: number | null }[]>`
      select percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at))::float8 as median,
             percentile_cont(0.9) within group (order by extract(epoch from decided_at - submitted_at))::float8 as p90
      from applications
      where decided_at between ${start} and ${end} and office_id in ${sql(blockIds)}`,
    sql<{ reason: string; count: number }[]>`
      select coalesce(decision_code, 'other') as reason, count(*)::int as count from applications
      where status = 'rejected' and decided_at between ${start} and ${end} and office_id in ${sql(blockIds)}
      group by 1 order by 2 desc, 1`,
    sql<{ officeId: string; status: string; count: number; late: number }[]>`
      select office_id, status, count(*)::int as count, count(*) filter (where step_due_at < ${now})::int as late
      from applications
      where status in ('submitted', 'under_enquiry', 'enquiry_reported', 'sent_back') and office_id in ${sql(blockIds)}
      group by office_id, status`
  ]);

  const blocks = new Map<string, BlockFigures & { onTime: number }>(
    blockIds.map((id) => [id, { officeId: id, received: 0, approved: 0, rejected: 0, pending: 0, beyondSla: 0, compliancePercent: null, onTime: 0 }])
  );
  const channels = { web: 0, kiosk: 0, csc: 0 };
  for (const r of received) {
    blocks.get(r.officeId)!.received += r.count;
    channels[r.channel] += r.count;
  }
  for (const r of decided) Object.assign(blocks.get(r.officeId)!, { approved: r.approved, rejected: r.rejected, onTime: r.onTime });
  const pendingByStep = { scrutiny: 0, enquiry: 0, approval: 0, sentBack: 0 };
  const stepOfStatus = { submitted: 'scrutiny', under_enquiry: 'enquiry', enquiry_reported: 'approval', sent_back: 'sentBack' } as const;
  let beyond = 0;
  for (const r of pending) {
    const b = blocks.get(r.officeId)!;
    b.pending += r.count;
    b.beyondSla += r.late;
    beyond += r.late;
    pendingByStep[stepOfStatus[r.status as keyof typeof stepOfStatus]] += r.count;
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
      medianDisposalDays: days(timing[0]?.median ?? null),
      p90DisposalDays: days(timing[0]?.p90 ?? null)
    },
    channels,
    rejectionReasons: reasons,
    blocks: rows.map(({ onTime: on, ...b }) => ({ ...b, compliancePercent: percent(on, b.approved + b.rejected) }))
  };
}
