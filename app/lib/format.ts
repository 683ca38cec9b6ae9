// Dates as the offices count them: in Asia/Kolkata, in the reader's language.
import type { Lang } from '../../i18n/index.ts';

const locale = (lang: Lang) => (lang === 'en' ? 'en-IN' : `${lang}-IN`);

export function kolkataDay(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleDateString(locale(lang), { timeZone: 'Asia/Kolkata', dateStyle: 'long' });
}

export function kolkataDateTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(locale(lang), { timeZone: 'Asia/Kolkata' });
}
