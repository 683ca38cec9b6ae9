// The MIS summary as an official record (seed §D: "treated as official records"): who generated it, when, for which
// offices and period, on every page, with the record's number under which the bytes are kept (routes.ts). Headings
// in the reader's language beside English (Bengali beside English for a reader of English: the state's language),
// drawn by the HarfBuzz writer of `api/pdf/text.ts`; figures in Western digits, as in the CSV, so they can be checked
// against it; a totals row like the CSV's.
import type { PDFPage } from 'pdf-lib';
import { glossary } from '../../i18n/glossary.ts';
import { translate, type Lang, type MessageKey } from '../../i18n/index.ts';
import { A4, createPdf, GREY, INK, Writer } from '../pdf/text.ts';
import { kolkataFormat } from '../time.ts';
import type { BlockFigures, MisSummary } from './summary.ts';

type BlockRow = Omit<BlockFigures, 'onTime'>;

export interface MisRecordMeta {
  recordId: string;
  /** The offices covered, in English and in the local language. */
  scope: { en: string; local: string };
  generatedAt: Date;
  generatedBy: string;
  /** The table's rows, named in English and the local language: blocks, or districts for the state (issue 15). */
  rows: (BlockRow & { en: string; local: string })[];
  rowsAreDistricts: boolean;
  /** The district whose DM's office keeps the record, in English and the local language; null for the state's. */
  district: { en: string; local: string } | null;
  /** The reader's language; English readers get Bengali beside English. */
  lang: Lang;
}

const kolkata = kolkataFormat('en-IN', { dateStyle: 'long', timeStyle: 'medium' });
const show = (v: number | null, suffix = '') => (v === null ? '-' : `${v}${suffix}`);

export function misLocalLang(lang: Lang): Exclude<Lang, 'en'> {
  return lang === 'en' ? 'bn' : lang;
}

export async function renderMisPdf(s: MisSummary, meta: MisRecordMeta): Promise<Uint8Array> {
  const local = misLocalLang(meta.lang);
  const pdf = await createPdf();
  pdf.setTitle(`MIS report ${s.from} to ${s.to} - ${meta.scope.en}`);
  pdf.setAuthor(meta.generatedBy);
  pdf.setCreationDate(meta.generatedAt);
  pdf.setModificationDate(meta.generatedAt);
  const both = (key: MessageKey) => `${translate(local, key)} / ${translate('en', key)}`;
  // The office whose record it is: the district's DM, or the state's e-District for a report across districts.
  const districtIn = (lang: Lang) => (meta.district ? (lang === 'en' ? meta.district.en : meta.district.local) : glossary.state[lang]);
  const office = (lang: Lang) => (meta.district ? translate(lang, 'mis.pdf_office', { district: districtIn(lang) }) : translate(lang, 'mis.pdf_office_state'));
  const writers: [PDFPage, Writer][] = [];
  let w!: Writer;
  let y = 0;
  const newPage = () => {
    const page = pdf.addPage([A4.width, A4.height]);
    w = new Writer(page);
    writers.push([page, w]);
    y = 800;
    w.line(office(local), 40, y, { size: 8.5, color: GREY });
    y -= 11;
    w.line(office('en'), 40, y, { size: 8, color: GREY });
    y -= 20;
    w.line(`${translate(local, 'mis.pdf_title')}: ${glossary.service[local]}`, 40, y, { size: 14, weight: 'bold' });
    y -= 16;
    w.line(`${translate('en', 'mis.pdf_title')}: ${glossary.service.en}`, 40, y, { size: 12, weight: 'bold' });
    y -= 17;
    w.line(`${both('mis.pdf_offices')}: ${meta.scope.local} / ${meta.scope.en}`, 40, y, { size: 9.5 });
    y -= 13;
    w.line(`${both('mis.pdf_period')}: ${s.from} – ${s.to}`, 40, y, { size: 9.5 });
    y -= 13;
    w.line(`${both('mis.pdf_generated')}: ${kolkata.format(meta.generatedAt)} (Asia/Kolkata), ${meta.generatedBy}`, 40, y, { size: 9.5 });
    y -= 9;
    page.drawLine({ start: { x: 40, y }, end: { x: 555, y }, thickness: 0.5, color: GREY });
    y -= 20;
  };
  newPage();

  const t = s.totals;
  const figures: [MessageKey, string][] = [
    ['mis.pdf_received', String(t.received)],
    ['mis.pdf_disposed', `${t.disposed} (${t.approved} / ${t.rejected})`],
    ['mis.pdf_on_time', show(t.compliancePercent, ' %')],
    ['mis.pdf_disposal_days', `${show(t.medianDisposalDays)} / ${show(t.p90DisposalDays)}`],
    ['mis.pdf_pending_steps', `${t.pendingByStep.scrutiny} / ${t.pendingByStep.enquiry} / ${t.pendingByStep.approval}`],
    ['mis.pdf_sent_back', String(t.pendingByStep.sentBack)],
    ['mis.pdf_beyond', String(t.pendingBeyondSla)],
    ['mis.pdf_channels', `${s.channels.web} / ${s.channels.kiosk} / ${s.channels.csc}`]
  ];
  for (const [key, value] of figures) {
    w.line(translate(local, key), 40, y, { size: 9.5, color: GREY });
    w.line(value, 330, y, { size: 10, weight: 'bold' });
    y -= 12;
    w.line(translate('en', key), 40, y, { size: 8, color: GREY });
    y -= 15;
  }
  w.line(both('mis.pdf_reasons'), 40, y, { size: 9.5, color: GREY });
  y -= 14;
  for (const r of s.rejectionReasons) {
    w.line(`${translate(local, `reason.${r.reason}` as MessageKey)} / ${translate('en', `reason.${r.reason}` as MessageKey)}: ${r.count}`, 50, y, { size: 9 });
    y -= 13;
  }
  if (s.rejectionReasons.length === 0) {
    w.line('-', 50, y, { size: 9 });
    y -= 13;
  }
  y -= 10;

  const columns: [MessageKey, number][] = [
    [meta.rowsAreDistricts ? 'mis.col_district' : 'mis.col_block', 40],
    ['mis.col_received', 200],
    ['mis.col_approved', 255],
    ['mis.col_rejected', 310],
    ['mis.col_pending', 365],
    ['mis.col_beyond', 420],
    ['mis.col_on_time', 490]
  ];
  const header = () => {
    for (const [key, x] of columns) w.line(translate(local, key), x, y, { size: 8.5, weight: 'bold' });
    y -= 11;
    for (const [key, x] of columns) w.line(translate('en', key), x, y, { size: 7.5, color: GREY });
    y -= 14;
  };
  header();
  // A name in both languages that would run into the figures takes two lines; an office with no Bengali name in the
  // offices file yet (its nameBn is the English one) is named once.
  const nameRoom = columns[1]![1] - columns[0]![1] - 8;
  // A single name still wider than the column (an English report's "Bidhannagar Municipal Corporation") is set
  // smaller to fit, never over the figures.
  const fitted = (text: string, size: number, weight: 'regular' | 'bold') => Math.min(size, (size * nameRoom) / w.width(text, { size, weight }));
  /** One line of the table, an office's or the totals: its name fitted to the first column, then its figures. */
  const row = (name: string, b: Omit<BlockRow, 'officeId'>, weight: 'regular' | 'bold' = 'regular') => {
    w.line(name, columns[0]![1], y, { size: fitted(name, 9, weight), weight, color: INK });
    [b.received, b.approved, b.rejected, b.pending, b.beyondSla, show(b.compliancePercent, ' %')].forEach((v, i) => w.line(String(v), columns[i + 1]![1], y, { size: 9, weight, color: INK }));
  };
  for (const b of meta.rows) {
    const named = b.local === b.en ? b.en : `${b.local} / ${b.en}`;
    const split = named !== b.en && w.width(named, { size: 9 }) > nameRoom;
    if (y < (split ? 101 : 90)) {
      newPage();
      header();
    }
    row(split ? b.local : named, b);
    if (split) {
      y -= 11;
      w.line(b.en, columns[0]![1], y, { size: fitted(b.en, 8, 'regular'), color: GREY });
    }
    y -= 14;
  }
  // The totals, as the CSV's last row: the same figures a clerk adds up from the rows above.
  writers[writers.length - 1]![0].drawLine({ start: { x: 40, y: y + 10 }, end: { x: 555, y: y + 10 }, thickness: 0.5, color: GREY });
  const pending = t.pendingByStep.scrutiny + t.pendingByStep.enquiry + t.pendingByStep.approval + t.pendingByStep.sentBack;
  row(both('mis.total'), { received: t.received, approved: t.approved, rejected: t.rejected, pending, beyondSla: t.pendingBeyondSla, compliancePercent: t.compliancePercent }, 'bold');

  writers.forEach(([, pw], i) => {
    const vars = { page: i + 1, pages: writers.length, record: meta.recordId };
    pw.line(translate(local, 'mis.pdf_footer', { ...vars, district: districtIn(local) }), 40, 40, { size: 7.5, color: GREY });
    pw.line(translate('en', 'mis.pdf_footer', { ...vars, district: districtIn('en') }), 40, 30, { size: 7.5, color: GREY });
  });
  for (const [, pw] of writers) await pw.finish(pdf);
  return pdf.save();
}
