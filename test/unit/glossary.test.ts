// One name for the service and for the BDO across the app, the certificate, SMS and USSD, and Hindi place names
// (issue 12 item 9; DESIGN §12).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { renderCertificate } from '../../api/certificates/render.ts';
import { render, templates } from '../../api/notify/templates.ts';
import { glossary, hindiPlaceName } from '../../i18n/glossary.ts';
import { parseOfficesCsv, readOfficesFile } from '../../api/offices/import.ts';
import { catalogues, languages, translate } from '../../i18n/index.ts';
import { sampleCertificate } from '../support/certificate.ts';
import { actualText } from '../support/pdf.ts';

// Names the app, the certificate and the SMS once used side by side for the same things.
// ("निवास प्रमाणपत्र" stays: it is the residence proof a Pradhan signs, not this certificate.)
const retired = ['ব্লক উন্নয়ন', 'বসবাসের শংসাপত্র', 'ब्लॉक विकास'];

describe('one glossary', () => {
  test('the app calls the service and the BDO by the glossary names, in every language', () => {
    for (const lang of languages) {
      expect(translate(lang, 'app.service')).toBe(glossary.service[lang]);
      expect(translate(lang, 'role.bdo')).toBe(glossary.bdo[lang]);
      expect(translate(lang, 'ussd.main').split('\n')[0]).toBe(glossary.service[lang]);
    }
  });

  test('no text of the app or of an SMS uses a retired name', () => {
    const texts = [...languages.flatMap((l) => Object.values(catalogues[l])), ...Object.values(templates).flatMap((t) => Object.values(t.sms).map((s) => s.text))];
    for (const name of retired) expect(texts.filter((t) => t.includes(name)), name).toEqual([]);
  });

  test('the "received" SMS names the service as the glossary does', () => {
    for (const lang of languages) expect(render('received', lang, { ain: '26110020000176' }).sms).toContain(glossary.service[lang]);
  });

  test('the certificate names the service and the BDO as the glossary does', async () => {
    const text = actualText(await (await renderCertificate(sampleCertificate)).save());
    expect(text).toContain(glossary.service.bn);
    expect(text).toContain(glossary.service.en);
    expect(text).toContain(glossary.bdo.bn);
  });

  test('every office of North 24 Parganas has a Hindi name, in Devanagari', () => {
    const seed = readFileSync(new URL('../../migrations/002_north_24_parganas.sql', import.meta.url), 'utf8');
    const names = [...seed.matchAll(/\('n24pgs[^']*', '\w+', '\w+', '([^']+)'/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) expect(hindiPlaceName(name), name).not.toMatch(/[A-Za-z]/);
    expect(hindiPlaceName('Barasat I')).toBe('बारासात 1');
  });

  test("every district of the state has a Hindi name, in Devanagari, as the state officer's Hindi report lists them", () => {
    const { rows } = parseOfficesCsv(readOfficesFile().text);
    const districts = rows.filter((r) => r.kind === 'district').map((r) => r.nameEn);
    expect(districts).toHaveLength(23);
    for (const name of districts) expect(hindiPlaceName(name), name).not.toMatch(/[A-Za-z]/);
    expect(hindiPlaceName('Cooch Behar')).toBe('कूचबिहार');
    expect(hindiPlaceName('South 24 Parganas')).toBe('दक्षिण 24 परगना');
  });
});
