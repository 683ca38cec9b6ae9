// A certificate's content with real names, for the tests and the benchmark that render it.
import type { CertificateContent } from '../../api/certificates/render.ts';

export const sampleCertificate: CertificateContent = {
  certificateNo: 'ORC-2026-11002-000017',
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
  enquiryHeld: true,
  verifyUrl: 'https://edistrict.wb.gov.in/verify/ORC-2026-11002-000017',
  qrText: 'https://edistrict.wb.gov.in/verify/ORC-2026-11002-000017#v1.payload.signature'
};
