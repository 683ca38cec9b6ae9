// The PWA's language: chosen by the user (kept on the device), else the browser's, else Bengali. Every string
// shown goes through t(), which reads the current language, so a switch re-renders every text at once.
import { browser } from '$app/environment';
import { isLang, pickLanguage, translate, type Lang, type MessageKey } from '$i18n/index.ts';

const STORAGE_KEY = 'lang';
let current = $state<Lang>('bn');

export const i18n = {
  get lang(): Lang {
    return current;
  },
  set(lang: Lang) {
    current = lang;
    if (browser) {
      localStorage.setItem(STORAGE_KEY, lang);
      document.documentElement.lang = lang;
    }
  },
  /** Called once on start in the browser. */
  init() {
    const saved = localStorage.getItem(STORAGE_KEY);
    const lang = isLang(saved) ? saved : pickLanguage(navigator.languages.join(','), 'bn');
    current = lang;
    document.documentElement.lang = lang;
  }
};

/** A number in the reader's digits: Bengali pages write ১০, not 10 (issue 12). */
export function num(value: number): string {
  return new Intl.NumberFormat(current === 'en' ? 'en-IN' : `${current}-IN`, { maximumFractionDigits: 1 }).format(value);
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  // Numbers given to a sentence are written in the reader's digits; text (an AIN, a name) is left as it is.
  const written = vars && Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'number' ? num(v) : v]));
  return translate(current, key, written);
}
