// The MIS summary as an official record (seed §D: "treated as official records"): who generated it, when, for
// which offices and period, on every page. English with Helvetica, like the receipt: the office names have
// English forms, and a record for the district's files is kept in English.
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { MisSummary } from './summary.ts';

export interface MisRecordMeta {
  scope: string;
  generatedAt: Date;
  generatedBy: string;
  blockNames: Map<string, string>;
}

const kolkata = new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', dateStyle: 'long', timeStyle: 'medium' });
const show = (v: number | null, suffix = '') => (v === null ? '-' : `${v}${suffix}`);

export async function renderMisPdf(s: MisSummary, meta: MisRecordMeta): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`MIS report ${s.from} to ${s.to} - ${meta.scope}`);
  pdf.setAuthor(meta.generatedBy);
  pdf.setCreationDate(meta.generatedAt);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const grey = rgb(0.35, 0.35, 0.35);
  let page!: PDFPage;
  let y = 0;
  const text = (str: string, x: number, size = 10, font: PDFFont = regular, color = rgb(0.1, 0.1, 0.1)) => page.drawText(str, { x, y, size, font, color });
  const newPage = () => {
    page = pdf.addPage([595.28, 841.89]);
    y = 800;
    text('Government of West Bengal - Office of the District Magistrate, North 24 Parganas - e-District', 40, 9, regular, grey);
    y -= 20;
    text('MIS report: Ordinary Residential Certificate', 40, 15, bold);
    y -= 18;
    text(`Offices: ${meta.scope}    Period: ${s.from} to ${s.to} (both included)`, 40, 10);
    y -= 14;
    text(`Generated ${kolkata.format(meta.generatedAt)} (Asia/Kolkata) by ${meta.generatedBy}`, 40, 10);
    y -= 10;
    page.drawLine({ start: { x: 40, y }, end: { x: 555, y }, thickness: 0.5, color: grey });
    y -= 22;
  };
  newPage();

  const t = s.totals;
  const figures: [string, string][] = [
    ['Received in the period', String(t.received)],
    ['Disposed in the period', `${t.disposed} (approved ${t.approved}, rejected ${t.rejected})`],
    ['Decided by the date given to the citizen', show(t.compliancePercent, ' %')],
    ['Disposal time, median / 90th percentile', `${show(t.medianDisposalDays, ' days')} / ${show(t.p90DisposalDays, ' days')}`],
    ['Pending now: scrutiny / enquiry / approval', `${t.pendingByStep.scrutiny} / ${t.pendingByStep.enquiry} / ${t.pendingByStep.approval}`],
    ['Sent back, waiting for the citizen', String(t.pendingByStep.sentBack)],
    ['Pending beyond the service level now', String(t.pendingBeyondSla)],
    ['Received by channel: web / kiosk / CSC', `${s.channels.web} / ${s.channels.kiosk} / ${s.channels.csc}`],
    ['Rejections by reason', s.rejectionReasons.map((r) => `${r.reason.replace(/_/g, ' ')} ${r.count}`).join(', ') || '-']
  ];
  for (const [label, value] of figures) {
    text(label, 40, 10, regular, grey);
    text(value, 300, 10, bold);
    y -= 17;
  }
  y -= 12;

  const columns: [string, number][] = [['Block', 40], ['Received', 190], ['Approved', 250], ['Rejected', 310], ['Pending', 370], ['Beyond SLA', 430], ['On time', 500]];
  const header = () => {
    for (const [name, x] of columns) text(name, x, 9, bold);
    y -= 14;
  };
  header();
  for (const b of s.blocks) {
    if (y < 60) {
      newPage();
      header();
    }
    const cells = [meta.blockNames.get(b.officeId) ?? b.officeId, b.received, b.approved, b.rejected, b.pending, b.beyondSla, show(b.compliancePercent, ' %')];
    cells.forEach((cell, i) => text(String(cell), columns[i]![1], 9));
    y -= 13;
  }
  const pages = pdf.getPages();
  pages.forEach((p, i) => p.drawText(`Page ${i + 1} of ${pages.length}. Official record under seed order section D.`, { x: 40, y: 30, size: 8, font: regular, color: grey }));
  return pdf.save();
}
