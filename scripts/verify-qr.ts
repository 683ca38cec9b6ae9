// Checks a certificate's QR code offline with the district's public key (DESIGN §9), e.g. at a counter with no
// network. Get the key once from GET /api/verify/district-key.pem; then
//   node --import tsx scripts/verify-qr.ts district-key.pem '<text read from the QR>'
// prints the sealed fields and VALID (exit 0), or INVALID and why (exit 1). A valid seal shows what the district
// issued; whether the certificate was revoked since is known only online, at the verify page.
// Imports only seal.ts and Node built-ins: no database, no server, no configuration.
import { readFileSync } from 'node:fs';
import { openQrText } from '../api/certificates/seal.ts';

const [keyPath, text] = process.argv.slice(2);
if (!keyPath || text === undefined) {
  console.error("Usage: node --import tsx scripts/verify-qr.ts <district-public-key.pem> '<text read from the QR>'");
  process.exit(2);
}

let publicKeyPem: string;
try {
  publicKeyPem = readFileSync(keyPath, 'utf8');
} catch (err) {
  console.error(`Cannot read ${keyPath}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

const opened = openQrText(publicKeyPem, text);
if (!opened.ok) {
  console.log(`INVALID (${opened.reason})`);
  process.exit(1);
}
const f = opened.fields;
const lines = [
  ['Certificate no.', f.certificateNo],
  ['AIN', f.ain],
  ['Name', f.name],
  ...(f.printed
    ? [
        ['Gender', f.printed.gender],
        [`Guardian (${f.printed.guardianRelation})`, f.printed.guardianName],
        ['Address', f.printed.address],
        ['Years of residence', String(f.printed.yearsOfResidence)]
      ]
    : []),
  ['Issued on', f.issuedOn],
  ['Office (census)', f.officeCode],
  ...(f.printed ? [['Signed by', f.printed.officer]] : [])
];
for (const [label, value] of lines) console.log(`${label!.padEnd(22)} ${value}`);
// Compare every line with the paper: the seal vouches for these values, not for what is printed beside them.
console.log(f.printed ? 'VALID' : 'VALID (a v1 seal: it covers only the number, AIN, name, date and office)');
