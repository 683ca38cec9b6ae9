// The MIS reads the period's receipts and decisions from counters that triggers keep per office, day and month
// (migrations/020_mis_daily_figures.sql). Whatever happens to applications — decisions recorded days later,
// reopenings on appeal, re-decisions, resubmissions with a new date, transfers between offices, deletions, several
// changes in one transaction — the summary must stay exactly what the plain queries over applications give
// (test/support/mis-live.ts), for any period: fast-check makes the sequences and the periods.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sql } from '../../api/db/connect.ts';
import { misSummary, periodSpans } from '../../api/mis/summary.ts';
import { DAY_MS } from '../../api/time.ts';
import { liveMisSummary } from '../support/mis-live.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const OFFICES = ['n24pgs/barasat-sadar/barasat-i', 'n24pgs/barasat-sadar/deganga', 'n24pgs/basirhat/baduria'];
const NOW = new Date('2026-12-20T05:00:00Z');
// Kolkata midnight of the first day the applications may fall on; 90 days from there cross three month ends.
const FIRST = Date.parse('2026-10-25T00:00:00+05:30');
const HOUR = 3_600_000;

let server: TestServer;
let sql: Sql;
let ains = 0;
beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  sql = server.runtime.deps.sql;
});
afterAll(() => server.close());

// An instant on one of the 90 days: often right at a Kolkata midnight or the last millisecond before one.
const instant = fc
  .tuple(fc.integer({ min: 0, max: 89 }), fc.oneof(fc.constant(0), fc.constant(DAY_MS - 1), fc.integer({ min: 0, max: DAY_MS - 1 })))
  .map(([day, ms]) => new Date(FIRST + day * DAY_MS + ms));

type Change =
  | { kind: 'submit'; office: number; channel: 'web' | 'kiosk' | 'csc'; at: Date; dueDays: number }
  | { kind: 'decide'; target: number; status: 'approved' | 'rejected' | 'delivered'; reason: string | null; afterHours: number }
  | { kind: 'reopen'; target: number; status: 'submitted' | 'under_enquiry' | 'sent_back'; dueDays: number }
  | { kind: 'deliver'; target: number }
  | { kind: 'restatus'; target: number; status: string; reason: string | null }
  | { kind: 'transfer'; target: number; office: number }
  | { kind: 'resubmit'; target: number; dueDays: number }
  | { kind: 'delete'; target: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), office: fc.nat(2), channel: fc.constantFrom('web' as const, 'kiosk' as const, 'csc' as const), at: instant, dueDays: fc.integer({ min: 1, max: 15 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      target: fc.nat(),
      status: fc.constantFrom('approved' as const, 'rejected' as const, 'delivered' as const),
      reason: fc.constantFrom(null, 'not_resident', 'duplicate', 'other'),
      // Fractions of an hour round half up: 1.5 h is 2 h.
      afterHours: fc.oneof(fc.integer({ min: 0, max: 40 * 24 }), fc.constantFrom(0.5, 1.5, 2.4999, 23.5))
    })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reopen' as const), target: fc.nat(), status: fc.constantFrom('submitted' as const, 'under_enquiry' as const, 'sent_back' as const), dueDays: fc.integer({ min: 1, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deliver' as const), target: fc.nat() }) },
  // Any status and code with the decision time kept, as an officer's other actions write them (api/applications/act.ts).
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restatus' as const),
      target: fc.nat(),
      status: fc.constantFrom('submitted', 'under_enquiry', 'enquiry_reported', 'approved', 'rejected', 'sent_back', 'delivered'),
      reason: fc.constantFrom(null, 'not_resident', 'false_information')
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transfer' as const), target: fc.nat(), office: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resubmit' as const), target: fc.nat(), dueDays: fc.integer({ min: 1, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) }
);

// A period of whole days in or around the 90: a few days, across a month end, whole months, the lot.
const period = fc.tuple(fc.integer({ min: -5, max: 95 }), fc.integer({ min: 0, max: 100 })).map(([start, length]) => {
  const day = (n: number) => new Date(FIRST + n * DAY_MS + 6 * HOUR).toISOString().slice(0, 10);
  return { from: day(start), to: day(start + length) };
});

/** Applies one change, as the workflow's own statements would, to an application of this run picked by number. */
async function apply(tx: Sql, ids: number[], c: Change): Promise<void> {
  if (c.kind === 'submit') {
    const ain = String(27_000_000_000_000 + ++ains);
    const [row] = await tx<{ id: number }[]>`
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at,
                                sla_started_at, step_due_at, updated_at, idempotency_key, request_hash)
      values (${ain}, 'submitted', 'demo-citizen', 'demo-citizen', ${c.channel}, ${OFFICES[c.office]!}, 'Counter Test', '{}'::jsonb,
              ${c.at}, ${new Date(c.at.getTime() + c.dueDays * DAY_MS)}, ${c.at}, ${c.at}, ${c.at}, ${'mis-counters-' + ain}, 'x')
      returning id`;
    ids.push(Number(row!.id));
    return;
  }
  if (ids.length === 0) return;
  const id = ids[c.target % ids.length]!;
  switch (c.kind) {
    case 'decide':
      await tx`
        update applications set status = ${c.status}, decision_code = ${c.status === 'rejected' ? c.reason : null},
               decided_at = submitted_at + ${c.afterHours * HOUR} * interval '1 millisecond'
        where id = ${id}`;
      return;
    case 'reopen': // an appeal allowed, a certificate revoked: the decision is undone and a new date given
      await tx`
        update applications set status = ${c.status}, decided_at = null, decision_code = null,
               due_at = coalesce(decided_at, submitted_at) + ${c.dueDays} * interval '1 day'
        where id = ${id}`;
      return;
    case 'deliver':
      await tx`update applications set status = 'delivered' where id = ${id} and status = 'approved'`;
      return;
    case 'restatus':
      await tx`update applications set status = ${c.status}, decision_code = ${c.reason} where id = ${id}`;
      return;
    case 'transfer':
      await tx`update applications set office_id = ${OFFICES[c.office]!} where id = ${id}`;
      return;
    case 'resubmit': // the date given to the citizen starts again; a decision already taken keeps its time
      await tx`update applications set due_at = due_at + ${c.dueDays} * interval '1 day', version = version + 1 where id = ${id}`;
      return;
    case 'delete':
      await tx`delete from applications where id = ${id}`;
      ids.splice(ids.indexOf(id), 1);
  }
}

describe('MIS counters', () => {
  test('a period split into days before its whole months, the months, and days after', () => {
    expect(periodSpans('2025-11-28', '2026-11-27')).toEqual({ head: ['2025-11-28', '2025-11-30'], months: ['2025-12-01', '2026-10-01'], tail: ['2026-11-01', '2026-11-27'] });
    expect(periodSpans('2026-11-01', '2026-11-30')).toEqual({ head: ['2026-11-01', '2026-10-31'], months: ['2026-11-01', '2026-11-01'], tail: ['2026-12-01', '2026-11-30'] });
    expect(periodSpans('2026-11-05', '2026-11-20')).toEqual({ head: ['2026-11-05', '2026-11-20'], months: ['2026-11-21', '2026-11-20'], tail: ['2026-11-21', '2026-11-20'] });
    // One day, the first of its month: the month's row is not read with the day's (it once was: December's first day
    // counted each of its decisions twice).
    expect(periodSpans('2026-12-01', '2026-12-01')).toEqual({ head: ['2026-12-01', '2026-12-01'], months: ['2026-12-02', '2026-12-01'], tail: ['2026-12-02', '2026-12-01'] });
    expect(periodSpans('2026-02-01', '2026-02-28').months).toEqual(['2026-02-01', '2026-02-01']);
    expect(periodSpans('2024-02-01', '2024-02-28').months[0] > periodSpans('2024-02-01', '2024-02-28').months[1]).toBe(true); // a leap year's February is not whole on the 28th
  });

  test('the summary from the counters is the summary from the applications, whatever happened to them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 3, arbitrary: change.map((c) => [c]) }, { weight: 1, arbitrary: fc.array(change, { minLength: 2, maxLength: 4 }) }), { minLength: 1, maxLength: 40 }),
        fc.array(period, { minLength: 3, maxLength: 6 }),
        async (steps, periods) => {
          const ids: number[] = [];
          try {
            // A step of several changes is one transaction: the counters are kept at its commit.
            for (const step of steps) await sql.begin(async (tx) => {
              for (const c of step) await apply(tx as unknown as Sql, ids, c);
            });
            for (const { from, to } of [...periods, { from: '2026-11-01', to: '2026-11-30' }, { from: '2026-10-25', to: '2027-01-22' }]) {
              for (const scope of [OFFICES, OFFICES.slice(0, 1)]) {
                expect(await misSummary(sql, scope, from, to, NOW)).toEqual(await liveMisSummary(sql, scope, from, to, NOW));
              }
            }
          } finally {
            // Each run starts from the same table: the deletions go through the counters too.
            if (ids.length) await sql`delete from applications where id in ${sql(ids)}`;
          }
          // ...and take away all they added: a run never leaves a count for the next one to be measured against.
          const [left] = await sql<{ rows: number }[]>`
            select (select count(*) from mis_received where count <> 0)
                 + (select count(*) from mis_decided where approved <> 0 or rejected <> 0 or on_time <> 0)
                 + (select count(*) from mis_rejections where count <> 0) as rows`;
          // Counted again from the (now empty) table before failing, so that the runs fast-check tries while shrinking
          // start from zero and the failure it reports is this one, not any run that happens to read the leftover.
          if (Number(left!.rows) > 0) await sql`select mis_rebuild()`;
          expect(Number(left!.rows), 'counter rows not back to zero after the run').toBe(0);
        }
      ),
      {
        numRuns: 40,
        // FC_SEED=<the seed a failure printed> replays that failure's runs.
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
        // Stories a random run may take long to tell, each in one transaction and in several.
        examples: [
          [
            [
              [{ kind: 'submit', office: 0, channel: 'web', at: new Date(FIRST + 10 * DAY_MS - 1), dueDays: 2 }],
              [{ kind: 'decide', target: 0, status: 'rejected', reason: null, afterHours: 5 * 24 }], // late
              [{ kind: 'resubmit', target: 0, dueDays: 10 }], // now on time
              [{ kind: 'transfer', target: 0, office: 1 }],
              [{ kind: 'reopen', target: 0, status: 'under_enquiry', dueDays: 3 }, { kind: 'decide', target: 0, status: 'approved', reason: null, afterHours: 1.5 }]
            ],
            [{ from: '2026-11-03', to: '2026-11-05' }, { from: '2026-11-01', to: '2026-11-04' }, { from: '2026-11-04', to: '2026-12-31' }]
          ],
          [
            // A decision in the first hour of a month, read for that day alone (the MIS's "today" on the 1st).
            [
              [{ kind: 'submit', office: 0, channel: 'web', at: new Date('2026-11-17T18:29:59.999Z'), dueDays: 1 }],
              [{ kind: 'decide', target: 0, status: 'approved', reason: null, afterHours: 313 }]
            ],
            [{ from: '2026-12-01', to: '2026-12-01' }, { from: '2026-11-18', to: '2026-11-18' }, { from: '2026-11-30', to: '2026-12-01' }]
          ]
        ]
      }
    );
  });
});
