// Time in Kolkata, in one place (issue 16 item 4): the calendar date at an instant, the instants a date begins and
// ends, and the ways the service writes a date for people. India has no daylight saving, so Kolkata is always
// UTC+05:30 and plain arithmetic is exact.

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
export const DAY_MS = 86_400_000;
export const TIME_ZONE = 'Asia/Kolkata';

/** The calendar date ("2026-11-27") in Kolkata at this instant. */
export function kolkataDate(at: Date): string {
  return new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 23:59:59.999 Kolkata time on that date. */
export function endOfKolkataDay(date: string): Date {
  return new Date(Date.parse(date + 'T00:00:00Z') - IST_OFFSET_MS + DAY_MS - 1);
}

/** hh:mm Kolkata time on that date. */
export function kolkataTime(date: string, hours: number, minutes = 0): Date {
  return new Date(Date.parse(date + 'T00:00:00Z') - IST_OFFSET_MS + (hours * 60 + minutes) * 60_000);
}

/** "2026-11-27" → "27-11-2026", the way dates are written in India: SMS, USSD, the messages' dates. */
export function smsDate(at: Date): string {
  return kolkataDate(at).split('-').reverse().join('-');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A date (and time) as a person in Kolkata reads it, in a locale ("bn-IN"): the certificate, the receipt and the
 * MIS record print with these. Made once per locale and style: Intl formatters are slow to build.
 */
export function kolkataFormat(locale: string, style: Omit<Intl.DateTimeFormatOptions, 'timeZone'>): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(style)}`;
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = new Intl.DateTimeFormat(locale, { ...style, timeZone: TIME_ZONE })));
  return formatter;
}
