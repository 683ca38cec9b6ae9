// The Ordinary Residential Certificate as a PDF (DESIGN §9), A4, Bengali and English: the layout. The text is
// shaped by HarfBuzz and drawn glyph by glyph through `api/pdf/text.ts`, which says why. The document is returned
// unsaved: the signing step adds its placeholder and signs it.
import type { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import { glossary } from '../../i18n/glossary.ts';
import { formatAin } from '../../shared/ain.ts';
import { A4, bengaliDigits, breakAnywhere, createPdf, GREEN, GREY, Writer } from '../pdf/text.ts';
import { kolkataFormat } from '../time.ts';

export interface CertificateContent {
  certificateNo: string;
  /** 14 digits; printed grouped. */
  ain: string;
  applicant: {
    /** As entered, in English letters; printed as is on both sides. */
    name: string;
    guardianRelation: 'father' | 'mother' | 'spouse';
    guardianName: string;
    gender: 'female' | 'male' | 'transgender';
    /** YYYY-MM-DD */
    dateOfBirth: string;
    yearsOfResidence: number;
    /** One line, English letters. */
    address: string;
  };
  office: { nameEn: string; nameBn: string };
  district: { nameEn: string; nameBn: string };
  /** The approving Block Development Officer; the designations are printed as given (with the block, if wanted). */
  officer: { name: string; designationEn: string; designationBn: string };
  issuedAt: Date;
  /** Whether a field enquiry was held: the certificate says it rests on one only when it does (DESIGN §12). */
  enquiryHeld: boolean;
  /** Printed under the QR code. */
  verifyUrl: string;
  /** Exactly what the QR code encodes. */
  qrText: string;
}

export async function renderCertificate(c: CertificateContent): Promise<PDFDocument> {
  const pdf = await createPdf();
  pdf.setTitle(`Ordinary Residential Certificate ${c.certificateNo}`);
  pdf.setSubject(`AIN ${formatAin(c.ain)}`);
  pdf.setAuthor(`${c.office.nameEn}, ${c.district.nameEn}, Government of West Bengal`);
  pdf.setLanguage('bn-IN');
  pdf.setCreationDate(c.issuedAt);
  pdf.setModificationDate(c.issuedAt);

  const page = pdf.addPage([A4.width, A4.height]);
  const writer = new Writer(page);
  const { width } = A4;
  const left = MARGIN;
  const textWidth = width - 2 * MARGIN;
  const { applicant: a } = c;

  // A double rule round the page, as on the printed certificates.
  page.drawRectangle({ x: 22, y: 22, width: width - 44, height: A4.height - 44, borderColor: GREEN, borderWidth: 1.4 });
  page.drawRectangle({ x: 27, y: 27, width: width - 54, height: A4.height - 54, borderColor: GREEN, borderWidth: 0.5 });

  let y = A4.height - 62;
  writer.line('পশ্চিমবঙ্গ সরকার', width / 2, y, { size: 17, weight: 'bold' }, 'center');
  y -= 22;
  writer.line('Government of West Bengal', width / 2, y, { size: 13, weight: 'bold' }, 'center');
  y -= 22;
  y = writer.paragraph(`সমষ্টি উন্নয়ন আধিকারিকের কার্যালয়, ${c.office.nameBn}, ${c.district.nameBn}`, left, y, textWidth, { size: 11 }, 17, 'center');
  y = writer.paragraph(`Office of the Block Development Officer, ${c.office.nameEn}, ${c.district.nameEn}`, left, y, textWidth, { size: 10.5 }, 16, 'center');
  y += 4;
  page.drawLine({ start: { x: left, y }, end: { x: width - MARGIN, y }, thickness: 0.8, color: GREEN });

  y -= 38;
  writer.line(glossary.service.bn, width / 2, y, { size: 20, weight: 'bold', color: GREEN }, 'center');
  y -= 24;
  writer.line(glossary.service.en, width / 2, y, { size: 15, weight: 'bold', color: GREEN }, 'center');

  y -= 40;
  const valueX = left + 215;
  const row = (label: string, value: string) => {
    writer.line(label, left, y, { size: 10, color: GREY });
    writer.line(value, valueX, y, { size: 11, weight: 'bold' });
    y -= 21;
  };
  row('শংসাপত্র নং / Certificate No.', c.certificateNo);
  row('আবেদন নম্বর / AIN', formatAin(c.ain));
  row('প্রদানের তারিখ / Date of issue', `${dateEn.format(c.issuedAt)}  (${dateBn.format(c.issuedAt)})`);

  y -= 22;
  // No honorific is prescribed for a transgender applicant; the name alone is better than a guessed one.
  const honorificBn = { male: 'শ্রী ', female: 'শ্রীমতী ', transgender: '' }[a.gender];
  const guardianBn = {
    father: 'পিতা',
    mother: 'মাতা',
    spouse: { female: 'স্বামী', male: 'স্ত্রী', transgender: 'জীবনসঙ্গী' }[a.gender]
  }[a.guardianRelation];
  const yearsBn = bengaliDigits(String(a.yearsOfResidence));
  const bodyBn =
    `এই মর্মে প্রত্যয়ন করা হচ্ছে যে ${honorificBn}${a.name}, ${guardianBn} ${a.guardianName}, ঠিকানা ${a.address}, ` +
    `গত ${yearsBn} বছর ধরে ${c.office.nameBn}, ${c.district.nameBn} জেলা, পশ্চিমবঙ্গের একজন সাধারণ বাসিন্দা। ` +
    (c.enquiryHeld
      ? 'এই শংসাপত্রটি আবেদনকারী কর্তৃক প্রদত্ত তথ্য ও নথিপত্র এবং স্থানীয় তদন্তের ভিত্তিতে প্রদান করা হল।'
      : 'এই শংসাপত্রটি আবেদনকারী কর্তৃক প্রদত্ত তথ্য ও নথিপত্রের ভিত্তিতে, সমষ্টি উন্নয়ন আধিকারিকের যাচাইয়ের পর, প্রদান করা হল।');
  const honorificEn = { male: 'Shri ', female: 'Smt. ', transgender: '' }[a.gender];
  const guardianEn = {
    father: { female: 'daughter of', male: 'son of', transgender: 'child of' }[a.gender],
    mother: { female: 'daughter of', male: 'son of', transgender: 'child of' }[a.gender],
    spouse: { female: 'wife of', male: 'husband of', transgender: 'spouse of' }[a.gender]
  }[a.guardianRelation];
  const years = `${a.yearsOfResidence} ${a.yearsOfResidence === 1 ? 'year' : 'years'}`;
  const bodyEn =
    `This is to certify that ${honorificEn}${a.name}, ${guardianEn} ${a.guardianName}, of ${a.address}, ` +
    `is an ordinary resident of ${c.office.nameEn}, District ${c.district.nameEn}, West Bengal, and has been residing ` +
    `there for the last ${years}. This certificate is issued on the basis of the information and documents furnished ` +
    (c.enquiryHeld ? 'by the applicant and a local enquiry.' : 'by the applicant, as scrutinised by the Block Development Officer.');

  // The form allows long names and addresses (100 + 100 + some 300 characters); rather than run into the QR code
  // and the signature, the body text shrinks, down to 80 %.
  // The QR seals every printed fact (issue 11), so a long address makes a denser code: it is drawn larger, keeping
  // each module near half a millimetre or more for a phone's camera, and the body text makes room above it.
  const qrY = 150;
  const qrModules = QRCode.create(c.qrText, { errorCorrectionLevel: 'M' }).modules.size;
  const qrSize = Math.min(165, Math.max(118, qrModules * 1.75));
  const bodyBottom = Math.max(290, qrY + qrSize + 12);
  const bn = (f: number) => ({ style: { size: 12.5 * f }, leading: 23 * f });
  const en = (f: number) => ({ style: { size: 11 * f }, leading: 17 * f });
  const bodyHeight = (f: number) =>
    writer.wrap(bodyBn, textWidth, bn(f).style).length * bn(f).leading + 12 * f + (writer.wrap(bodyEn, textWidth, en(f).style).length - 1) * en(f).leading;
  let fit = 1;
  while (fit > 0.8 && y - bodyHeight(fit) < bodyBottom) fit -= 0.05;
  y = writer.paragraph(bodyBn, left, y, textWidth, bn(fit).style, bn(fit).leading, 'justify');
  writer.paragraph(bodyEn, left, y - 12 * fit, textWidth, en(fit).style, en(fit).leading, 'justify');

  // The QR code and the signature share the band above the footnote; the signature block starts lower than the
  // QR code so that the stamp of the visible signature, if a later step adds one, has room above it.
  const qrPng = await QRCode.toBuffer(c.qrText, { errorCorrectionLevel: 'M', margin: 1, width: 480 });
  page.drawImage(await pdf.embedPng(qrPng), { x: left - 4, y: qrY, width: qrSize, height: qrSize });
  let urlY = qrY - 11;
  for (const part of breakAnywhere(c.verifyUrl, (s) => writer.width(s, { size: 7.5 }), 190)) {
    writer.line(part, left, urlY, { size: 7.5, color: GREY });
    urlY -= 10;
  }

  const signX = width - MARGIN - 215;
  const signWidth = 215;
  let signY = 226;
  page.drawLine({ start: { x: signX, y: signY + 14 }, end: { x: width - MARGIN, y: signY + 14 }, thickness: 0.5, color: GREY });
  writer.line('ডিজিটাল স্বাক্ষরিত / Digitally signed by', signX, signY, { size: 8.5, color: GREY });
  signY -= 16;
  signY = writer.paragraph(c.officer.name, signX, signY, signWidth, { size: 11.5, weight: 'bold' }, 15, 'left');
  signY = writer.paragraph(c.officer.designationEn, signX, signY, signWidth, { size: 9.5 }, 13, 'left');
  signY = writer.paragraph(c.officer.designationBn, signX, signY - 1, signWidth, { size: 10 }, 15, 'left');
  writer.line(`তারিখ / Date: ${dateEn.format(c.issuedAt)}`, signX, signY - 1, { size: 9, color: GREY });

  let noteY = 96;
  page.drawLine({ start: { x: left, y: noteY + 14 }, end: { x: width - MARGIN, y: noteY + 14 }, thickness: 0.5, color: GREY });
  noteY = writer.paragraph(
    'এই শংসাপত্রটি ডিজিটাল স্বাক্ষরযুক্ত, তাই এতে হাতে করা স্বাক্ষরের প্রয়োজন নেই। QR কোড স্ক্যান করে অথবা ' +
      `${c.verifyUrl} ঠিকানায় এর সত্যতা যাচাই করা যাবে।`,
    left,
    noteY,
    textWidth,
    { size: 8.5, color: GREY },
    13,
    'left'
  );
  writer.paragraph(
    'This certificate carries a digital signature and needs no handwritten signature. Its authenticity can be ' +
      `verified by scanning the QR code or at ${c.verifyUrl}`,
    left,
    noteY,
    textWidth,
    { size: 8.5, color: GREY },
    12,
    'left'
  );
  await writer.finish(pdf);
  return pdf;
}

const MARGIN = 50;

const dateEn = kolkataFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric' });
const dateBn = kolkataFormat('bn-IN', { day: 'numeric', month: 'long', year: 'numeric' });
