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
  console.error(`Cannot read ${keyPath}: ${err instanceof Error ? err.message : err}`);
  process.exit(2);
}

const opened = openQrText(publicKeyPem, text);
if (!opened.ok) {
  console.log(`INVALID (${opened.reason})`);
  process.exit(1);
}
const f = opened.fields;
console.log(`Certificate no.  ${f.certificateNo}\nAIN              ${f.ain}\nName             ${f.name}\nIssued on        ${f.issuedOn}\nOffice (census)  ${f.officeCode}\nVALID`);
