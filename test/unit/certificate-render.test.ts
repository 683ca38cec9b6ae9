// The certificate PDF (DESIGN §9): one A4 page whose Bengali is shaped by HarfBuzz, not drawn letter by letter.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, test } from 'vitest';
import { renderCertificate, shapeBengali, type CertificateContent } from '../../api/certificates/render.ts';

const sample: CertificateContent = {
  certificateNo: 'ORC/N24P/001/2026/000017',
  ain: '26110020000017',
  applicant: {
    name: 'Sraboni Chakraborty',
    guardianRelation: 'father',
    guardianName: 'Pradip Chakraborty',
    gender: 'female',
    dateOfBirth: '1994-08-21',
    yearsOfResidence: 12,
    address: 'Vill. Gram Kadambagachi, PO Kadambagachi, PS Duttapukur, 743272'
  },
  office: { nameEn: 'Barasat I Development Block', nameBn: 'বারাসত-১ উন্নয়ন ব্লক' },
  district: { nameEn: 'North 24 Parganas', nameBn: 'উত্তর ২৪ পরগনা' },
  officer: { name: 'Koushik Bhattacharya', designationEn: 'Block Development Officer, Barasat I Development Block', designationBn: 'সমষ্টি উন্নয়ন আধিকারিক, বারাসত-১ উন্নয়ন ব্লক' },
  issuedAt: new Date('2026-03-18T06:30:00Z'),
  verifyUrl: 'https://edistrict.wb.gov.in/verify/ORC-N24P-001-2026-000017',
  qrText: 'https://edistrict.wb.gov.in/verify/ORC-N24P-001-2026-000017#v1.payload.signature'
};

// The font's own cmap, read by fontkit: what drawing character by character would put on the page.
const bengaliFont = fontkit.create(
  readFileSync(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf'))
);
const naiveGlyphs = (text: string) => [...text].map((ch) => bengaliFont.glyphForCodePoint(ch.codePointAt(0)!).id);

/** Page content streams, inflated. */
function contentStreams(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1');
  return [...raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
    try {
      return inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      return m[1]!;
    }
  });
}

/**
 * The text as copy and search see it. The renderer draws glyph ids (so test/support/pdf.ts, which reads Tj strings
 * as Latin-1, does not apply) and tags every run with ActualText in UTF-16BE; this reads those tags back.
 */
function actualText(pdf: Uint8Array): string {
  return contentStreams(pdf)
    .flatMap((content) => [...content.matchAll(/\/ActualText <FEFF([0-9A-Fa-f]*)>/g)])
    .map((m) => Buffer.from(m[1]!, 'hex').swap16().toString('utf16le'))
    .join(' ');
}

describe('certificate PDF', () => {
  test('renders one A4 page that saves as a PDF', async () => {
    const doc = await renderCertificate(sample);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    const bytes = await doc.save();
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  test('শ্রী is shaped: reph and ra-phala form a conjunct rather than four letters side by side', () => {
    const shaped = shapeBengali('শ্রী').map((g) => g.id);
    const naive = naiveGlyphs('শ্রী');
    expect(naive).toHaveLength(4);
    expect(shaped.length).toBeLessThan(naive.length);
    expect(shaped).not.toEqual(naive.slice(0, shaped.length));
  });

  test('the vowel sign ি is drawn before its consonant', () => {
    const [ka, iSign] = naiveGlyphs('কি');
    expect(shapeBengali('কি').map((g) => g.id)).toEqual([iSign, ka]);
  });

  test('the page draws the glyphs HarfBuzz chose for শ্রী', async () => {
    const bytes = await (await renderCertificate(sample)).save();
    const content = contentStreams(bytes).join('\n');
    for (const glyph of shapeBengali('শ্রী')) {
      expect(content).toContain(`<${glyph.id.toString(16).padStart(4, '0')}> Tj`);
    }
  });

  test('the text reads back as typed, in both scripts', async () => {
    const text = actualText(await (await renderCertificate(sample)).save());
    expect(text).toContain('Sraboni Chakraborty');
    expect(text).toContain('ORC/N24P/001/2026/000017');
    expect(text).toContain('26 11 002 000001 7');
    expect(text).toContain('শ্রীমতী');
    expect(text).toContain('সাধারণ বসবাসের শংসাপত্র');
    expect(text).toContain('১২ বছর');
    expect(text).toContain(sample.verifyUrl);
  });
});
