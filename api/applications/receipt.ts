// The acknowledgement receipt (seed A.b step 5, A.c step 7): printed at the counter or saved on the phone. Bilingual
// (DESIGN §12): every label in the citizen's language above its English, so the citizen reads it and any office
// can; English only for a citizen who reads English. The text goes through the HarfBuzz writer of `api/pdf/text.ts`, the
// one way this service draws Bengali and Devanagari correctly. The QR code leads to the public tracking page.
import QRCode from 'qrcode';
import { formatAin } from '../../shared/ain.ts';
import { glossary, placeName } from '../../i18n/glossary.ts';
import { translate, type Lang, type MessageKey } from '../../i18n/index.ts';
import { A4, bengaliDigits, createPdf, GREEN, GREY, Writer } from '../pdf/text.ts';
import type { Queryable } from '../db/connect.ts';
import { kolkataFormat } from '../time.ts';
import type { ApplicationRow } from './access.ts';

export interface ReceiptInput {
  app: ApplicationRow;
  office: { nameEn: string; nameBn: string };
  /** The district the application is filed in: its DM's office issues the receipt (the deployment is statewide). */
  district: { nameEn: string; nameBn: string };
  documents: { kind: string; proof: string }[];
  trackUrl: string;
  /** The citizen's language; the receipt pairs it with English. */
  lang: Lang;
}

/**
 * What the receipt lists, the district it is issued in, and in which language beside English: the applicant's,
 * whoever prints it (a counter prints it for the citizen).
 */
export async function receiptContents(
  sql: Queryable,
  app: Pick<ApplicationRow, 'id' | 'applicantId' | 'officeId'>
): Promise<{ documents: ReceiptInput['documents']; district: ReceiptInput['district']; lang: Lang | null }> {
  const [documents, [applicant], [district]] = await Promise.all([
    sql<{ kind: string; proof: string }[]>`
      select kind, proof from documents where application_id = ${app.id} and replaced_at is null and kind <> 'field_photo' order by kind, created_at`,
    sql<{ lang: Lang }[]>`select lang from users where id = ${app.applicantId}`,
    sql<ReceiptInput['district'][]>`select d.name_en, d.name_bn from offices o join offices d on d.id = o.district_id where o.id = ${app.officeId}`
  ]);
  return { documents, district: district!, lang: applicant?.lang ?? null };
}

const locale = (lang: Lang) => (lang === 'en' ? 'en-IN' : `${lang}-IN`);
const when = (lang: Lang, at: Date) => kolkataFormat(locale(lang), { dateStyle: 'long', timeStyle: 'short' }).format(at);
const day = (lang: Lang, at: Date) => kolkataFormat(locale(lang), { dateStyle: 'long' }).format(at);

export async function renderReceipt({ app, office, district, documents, trackUrl, lang }: ReceiptInput): Promise<Uint8Array> {
  const pdf = await createPdf();
  pdf.setTitle(`Acknowledgement receipt ${formatAin(app.ain)}`);
  pdf.setAuthor(`e-District, ${district.nameEn}`);
  pdf.setLanguage(lang === 'en' ? 'en-IN' : `${lang}-IN`);
  pdf.setCreationDate(app.submittedAt);
  const page = pdf.addPage([A4.width, A4.height]);
  const w = new Writer(page);
  const both = lang !== 'en';
  const tr = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const en = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars);
  const left = 50;
  let y = 790;

  /** A heading or sentence in the citizen's language with its English under it (once, when they are the same). */
  const pair = (local: string, english: string, size: number, weight: 'regular' | 'bold' = 'regular', color = GREY, gap = 4) => {
    w.line(local, left, y, { size, weight, color });
    y -= size + gap;
    if (both && english !== local) {
      w.line(english, left, y, { size: size * 0.85, weight, color });
      y -= size * 0.85 + gap;
    }
  };
  /** A labelled value: the label in both languages on the left, the value on the right. */
  const row = (key: MessageKey, value: string, valueEn = value, vars?: Record<string, string>) => {
    w.line(tr(key, vars), left, y, { size: 10, color: GREY });
    if (both) w.line(en(key, vars), left, y - 12, { size: 8.5, color: GREY });
    w.line(value, 230, y, { size: 11, weight: 'bold' });
    if (both && valueEn !== value) w.line(valueEn, 230, y - 13, { size: 9.5 });
    y -= both ? 32 : 22;
  };

  pair(tr('receipt.government'), en('receipt.government'), 10);
  pair(tr('receipt.office', { district: placeName(district, lang) }), en('receipt.office', { district: district.nameEn }), 10);
  y -= 14;
  pair(tr('receipt.title'), en('receipt.title'), 20, 'bold', GREEN, 6);
  pair(glossary.service[lang], glossary.service.en, 13, 'regular', GREY, 6);
  y -= 20;
  pair(tr('receipt.ain'), en('receipt.ain'), 10);
  y -= 16;
  w.line(formatAin(app.ain), left, y, { size: 28, weight: 'bold' });
  y -= 40;

  const form = app.form as { guardianName?: string; guardianRelation?: 'father' | 'mother' | 'spouse' };
  row('receipt.applicant', app.applicantName);
  if (form.guardianName && form.guardianRelation) row(`apply.relation_${form.guardianRelation}`, form.guardianName);
  row('receipt.submitted_on', when(lang, app.submittedAt), when('en', app.submittedAt));
  row('receipt.channel', tr(`receipt.channel_${app.channel}`), en(`receipt.channel_${app.channel}`));
  row('receipt.decider', `${glossary.bdo[lang]}, ${placeName(office, lang)}`, `${glossary.bdo.en}, ${office.nameEn}`);
  row('receipt.expected', day(lang, app.dueAt), day('en', app.dueAt));
  y -= 6;
  pair(tr('receipt.documents'), en('receipt.documents'), 12, 'bold', GREEN);
  y -= 4;
  const byKind = new Map<string, { proof: string; files: number }>();
  for (const d of documents) byKind.set(d.kind, { proof: d.proof, files: (byKind.get(d.kind)?.files ?? 0) + 1 });
  for (const [kind, { proof, files }] of byKind) {
    const item = (l: Lang) =>
      `${translate(l, `apply.doc_${kind}` as MessageKey)}: ${translate(l, `proof.${proof}` as MessageKey)} (${translate(l, 'receipt.files', { count: l === 'bn' ? bengaliDigits(String(files)) : files })})`;
    w.line(`– ${item(lang)}`, left + 10, y, { size: 10.5 });
    y -= 15;
    if (both) {
      w.line(item('en'), left + 20, y, { size: 9, color: GREY });
      y -= 15;
    }
  }

  const qr = await QRCode.toBuffer(trackUrl, { errorCorrectionLevel: 'M', margin: 1, width: 300 });
  page.drawImage(await pdf.embedPng(qr), { x: 420, y: 560, width: 125, height: 125 });
  w.line(tr('receipt.scan'), 482, 548, { size: 9 }, 'center');
  if (both) w.line(en('receipt.scan'), 482, 537, { size: 8, color: GREY }, 'center');

  y = Math.min(y - 20, 170);
  y = w.paragraph(tr('receipt.keep'), left, y, 495, { size: 10 }, 14, 'left');
  if (both) y = w.paragraph(en('receipt.keep'), left, y, 495, { size: 9, color: GREY }, 13, 'left');
  w.line(trackUrl, left, y, { size: 10, weight: 'bold' });
  y -= 18;
  y = w.paragraph(tr('receipt.note'), left, y, 495, { size: 9 }, 13, 'left');
  if (both) w.paragraph(en('receipt.note'), left, y, 495, { size: 8.5, color: GREY }, 12, 'left');
  await w.finish(pdf);
  return pdf.save();
}
