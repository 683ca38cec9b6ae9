// Calendar edge cases of the SLA (DESIGN §5): Saturday and Sunday submissions, a run of holidays, the year end,
// and midnight in Kolkata, which is 18:30 UTC the day before.
import { describe, expect, test } from 'vitest';
import { addWorkingDays } from '../../api/sla/calendar.ts';
import { kolkataDate } from '../../api/time.ts';
import { duesFor, stepOf, type SlaClock } from '../../api/sla/rules.ts';

const end = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+05:30`)).toISOString();
const at = (kolkata: string) => new Date(Date.parse(`${kolkata}+05:30`));
const none = new Set<string>();

describe('working days', () => {
  test('a Saturday is a working day; a Saturday submission is due on Monday at T+1', () => {
    expect(addWorkingDays(at('2026-11-28T11:00:00'), 1, none).toISOString()).toBe(end('2026-11-30'));
  });

  test('a Sunday submission counts from Sunday: T+1 is Monday', () => {
    expect(addWorkingDays(at('2026-11-29T20:00:00'), 1, none).toISOString()).toBe(end('2026-11-30'));
    expect(addWorkingDays(at('2026-11-29T20:00:00'), 3, none).toISOString()).toBe(end('2026-12-02'));
  });

  test('a run of holidays (Durga Puja) and the Sunday inside it are all skipped', () => {
    const puja = new Set(['2026-10-17', '2026-10-19', '2026-10-20', '2026-10-21']); // Sat, Mon–Wed; Sunday 18 between
    expect(addWorkingDays(at('2026-10-16T15:00:00'), 1, puja).toISOString()).toBe(end('2026-10-22'));
    expect(addWorkingDays(at('2026-10-16T15:00:00'), 5, puja).toISOString()).toBe(end('2026-10-27'));
  });

  test('the year end: 31 December to 2 January (the 1st is a working day unless listed)', () => {
    expect(addWorkingDays(at('2026-12-31T16:00:00'), 1, none).toISOString()).toBe(end('2027-01-01'));
    expect(addWorkingDays(at('2026-12-31T16:00:00'), 1, new Set(['2027-01-01'])).toISOString()).toBe(end('2027-01-02'));
    expect(addWorkingDays(at('2026-12-31T16:00:00'), 5, none).toISOString()).toBe(end('2027-01-06')); // Sunday 3 skipped
  });

  test('midnight in Kolkata decides the day: 23:59 and 00:01 IST are a day apart, whatever the UTC date says', () => {
    const before = new Date('2026-12-31T18:29:00Z'); // 23:59 on 31 December in Kolkata
    const after = new Date('2026-12-31T18:31:00Z'); // 00:01 on 1 January in Kolkata
    expect([kolkataDate(before), kolkataDate(after)]).toEqual(['2026-12-31', '2027-01-01']);
    expect(addWorkingDays(before, 1, none).toISOString()).toBe(end('2027-01-01'));
    expect(addWorkingDays(after, 1, none).toISOString()).toBe(end('2027-01-02'));
  });

  test('calendar days instead (SLA_DAYS=calendar): Sundays and holidays count', () => {
    expect(addWorkingDays(at('2026-11-28T11:00:00'), 1, new Set(['2026-11-29']), 'calendar').toISOString()).toBe(end('2026-11-29'));
  });
});

describe('SLA dues per step (seed §C)', () => {
  const clock: SlaClock = {
    rules: {
      scrutiny: { step: 'scrutiny', responsibleRole: 'bdo', dueDays: 1, l1Role: 'dm', l1DueDays: 3 },
      enquiry: { step: 'enquiry', responsibleRole: 'eo', dueDays: 4, l1Role: 'bdo', l1DueDays: 5 },
      approval: { step: 'approval', responsibleRole: 'bdo', dueDays: 5, l1Role: 'dm', l1DueDays: 6 }
    },
    holidays: none,
    count: 'working'
  };
  const t = at('2026-11-27T10:30:00'); // a Friday

  test('each open status is in its step, with its own and L1 due times from T; closed or sent back, none', () => {
    expect(duesFor('submitted', t, clock)).toEqual({ stepDueAt: new Date(end('2026-11-28')), l1DueAt: new Date(end('2026-12-01')), expectedBy: new Date(end('2026-12-03')) });
    expect(duesFor('under_enquiry', t, clock)).toMatchObject({ stepDueAt: new Date(end('2026-12-02')), l1DueAt: new Date(end('2026-12-03')) });
    expect(duesFor('enquiry_reported', t, clock)).toMatchObject({ stepDueAt: new Date(end('2026-12-03')), l1DueAt: new Date(end('2026-12-04')) });
    for (const status of ['sent_back', 'approved', 'rejected', 'delivered'] as const) {
      expect(stepOf(status)).toBeNull();
      expect(duesFor(status, t, clock)).toMatchObject({ stepDueAt: null, l1DueAt: null });
    }
  });
});
