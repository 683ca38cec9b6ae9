// api/time.ts: the one home of Kolkata time and of the ways a date is written for people.
import { describe, expect, test } from 'vitest';
import { endOfKolkataDay, kolkataDate, kolkataFormat, kolkataTime, smsDate } from '../../api/time.ts';

describe('Kolkata time', () => {
  test('the date in Kolkata turns at 18:30 UTC', () => {
    expect(kolkataDate(new Date('2026-11-27T18:29:59Z'))).toBe('2026-11-27');
    expect(kolkataDate(new Date('2026-11-27T18:30:00Z'))).toBe('2026-11-28');
    expect(endOfKolkataDay('2026-11-27').toISOString()).toBe('2026-11-27T18:29:59.999Z');
    expect(kolkataTime('2026-11-27', 9, 30).toISOString()).toBe('2026-11-27T04:00:00.000Z');
  });

  test('messages write the Kolkata date day first', () => {
    expect(smsDate(new Date('2026-11-27T20:00:00Z'))).toBe('28-11-2026');
  });

  test('a formatter is made once per locale and style, in Kolkata time', () => {
    const style = { day: 'numeric', month: 'long', year: 'numeric' } as const;
    expect(kolkataFormat('en-IN', style)).toBe(kolkataFormat('en-IN', { ...style }));
    expect(kolkataFormat('en-IN', style).format(new Date('2026-11-27T20:00:00Z'))).toBe('28 November 2026');
  });
});
