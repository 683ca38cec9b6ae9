// Dates as the offices count them: in Asia/Kolkata, in the reader's language.
import type { Lang } from '$i18n/index.ts';

const locale = (lang: Lang) => (lang === 'en' ? 'en-IN' : `${lang}-IN`);

export function kolkataDay(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleDateString(locale(lang), { timeZone: 'Asia/Kolkata', dateStyle: 'long' });
}

export function kolkataDateTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(locale(lang), { timeZone: 'Asia/Kolkata' });
}

/** A calendar date typed as YYYY-MM-DD (a date of birth, a holiday), in the reader's language and digits. */
export function calendarDay(ymd: string, lang: Lang): string {
  const [y, m, d] = ymd.split('-').map(Number);
  if (!y || !m || !d) return ymd;
  return new Date(Date.UTC(y, m - 1, d, 12)).toLocaleDateString(locale(lang), { timeZone: 'UTC', dateStyle: 'long' });
}

/** Today's date in Kolkata as YYYY-MM-DD: the calendar the offices' date ranges (an acting charge) are written in. */
export function kolkataToday(now = new Date()): string {
  return new Date(now.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 10);
}
