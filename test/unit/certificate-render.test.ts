// The certificate PDF (DESIGN §9): one A4 page whose Bengali is shaped by HarfBuzz, not drawn letter by letter.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, test } from 'vitest';
import { renderCertificate } from '../../api/certificates/render.ts';
import { shapeBengali } from '../../api/pdf/text.ts';
import { sampleCertificate } from '../support/certificate.ts';
import { actualText, contentStreams } from '../support/pdf.ts';

const sample = sampleCertificate;

// The font's own cmap, read by fontkit: what drawing character by character would put on the page.
const bengaliFont = fontkit.create(
  readFileSync(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf'))
);
const naiveGlyphs = (text: string) => [...text].map((ch) => bengaliFont.glyphForCodePoint(ch.codePointAt(0)!).id);

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

  // The clusters a certificate needs (DESIGN §9 names them): reph, ra-phala, ri-kar under a conjunct, ksha with
  // a two-part vowel sign. Each must come out of HarfBuzz different from letter-by-letter drawing.
  test.each(['গ্রাম', 'চক্রবর্তী', 'কর্তৃক', 'প্রদত্ত', 'ক্ষৌ'])('%s is shaped, not drawn letter by letter', (word) => {
    expect(shapeBengali(word).map((g) => g.id)).not.toEqual(naiveGlyphs(word));
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
    expect(text).toContain('ORC-2026-11002-000017');
    expect(text).toContain('26 11 002 000001 7');
    expect(text).toContain('শ্রীমতী');
    expect(text).toContain('সাধারণ বাসিন্দা শংসাপত্র');
    expect(text).toContain('১২ বছর');
    expect(text).toContain(sample.verifyUrl);
  });
});
