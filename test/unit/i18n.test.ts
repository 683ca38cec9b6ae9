import { describe, expect, test } from 'vitest';
import { catalogues, languages, pickLanguage, translate } from '../../i18n/index.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogue', () => {
  test('every language has every key, none empty, with the same placeholders as English', () => {
    const keys = Object.keys(catalogues.en);
    for (const lang of languages) {
      expect(Object.keys(catalogues[lang]).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        const text = catalogues[lang][key as keyof typeof catalogues.en];
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(catalogues.en[key as keyof typeof catalogues.en]));
      }
    }
  });

  test('Bengali and Hindi texts are in their own scripts, not English left untranslated', () => {
    for (const key of Object.keys(catalogues.en) as (keyof typeof catalogues.en)[]) {
      if (key === 'apps.col_ain') continue; // "AIN" is the term on every receipt, in every language
      const bn = catalogues.bn[key].replace(/\{\w+\}/g, '');
      const hi = catalogues.hi[key].replace(/\{\w+\}/g, '');
      expect(/[\u0980-\u09FF]/.test(bn), `bn ${key}`).toBe(true);
      expect(/[\u0900-\u097F]/.test(hi), `hi ${key}`).toBe(true);
    }
  });

  test('placeholders are filled, unknown ones left visible', () => {
    expect(translate('en', 'dashboard.title', { name: 'Rina' })).toBe('Welcome, Rina');
    expect(translate('bn', 'dashboard.title')).toBe('স্বাগত, {name}');
  });

  test('the language comes from Accept-Language by preference, falling back to the default', () => {
    expect(pickLanguage('en-IN,en;q=0.9,bn;q=0.8', 'bn')).toBe('en');
    expect(pickLanguage('fr-FR, hi;q=0.5, bn;q=0.7', 'en')).toBe('bn');
    expect(pickLanguage('fr, de', 'bn')).toBe('bn');
    expect(pickLanguage('en;q=0, hi', 'bn')).toBe('hi');
    expect(pickLanguage(undefined, 'hi')).toBe('hi');
    expect(pickLanguage('*', 'bn')).toBe('bn');
  });
});
