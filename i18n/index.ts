// One catalogue for every text a person reads: the PWA, API error messages, SMS and email.
import { bn } from './bn.ts';
import { en, type MessageKey } from './en.ts';
import { hi } from './hi.ts';

export type { MessageKey };
export const languages = ['bn', 'en', 'hi'] as const;
export type Lang = (typeof languages)[number];

export const catalogues: Record<Lang, Record<MessageKey, string>> = { bn, en, hi };

/** Each language's name in its own script, for the language switch. */
export const languageNames: Record<Lang, string> = { bn: 'বাংলা', en: 'English', hi: 'हिन्दी' };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'string' && Object.hasOwn(en, value);
}

export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = catalogues[lang][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The first supported language in an Accept-Language header, else the fallback. */
export function pickLanguage(acceptLanguage: string | null | undefined, fallback: Lang): Lang {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((l) => l.base).find(isLang) ?? fallback;
}
