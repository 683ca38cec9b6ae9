// The certificate at approval (DESIGN §9): how long rendering and signing take inside the approval's transaction,
// what the first approval on a fresh development server adds (the local CA and the officer's credential), how big
// the signed PDF is, and what a public verification costs before and after its result is kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/config.ts';
import { officerCredential, trustedCaPem } from '../../api/certificates/credentials.ts';
import { renderCertificate, type CertificateContent } from '../../api/certificates/render.ts';
import { signCertificatePdf, verifyCertificatePdf } from '../../api/certificates/sign.ts';
import { sampleCertificate } from '../support/certificate.ts';
import type { BenchOptions } from './support.ts';

// A real QR payload is about 200 characters (URL, signed fields, signature); the sample's is shorter.
const content: CertificateContent = {
  ...sampleCertificate,
  qrText: 'http://localhost:3000/verify/ORC-2026-11002-000017#v1~ORC-2026-11002-000017~26110020000017~Sraboni%20Chakraborty~2026-11-27~11002.' + 'x'.repeat(86)
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await f();
  return [value, performance.now() - started];
}

export async function benchCertificate({ smoke = false }: BenchOptions = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'orc-bench-cert-'));
  try {
    return await measure(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), smoke);
  } finally {
    rmSync(dataDir, { recursive: true, force: true }); // the CA and officer credentials made for the run
  }
}

async function measure(config: ReturnType<typeof loadConfig>, smoke: boolean) {
  const officer = { id: 'bench-bdo', name: content.officer.name, officeName: content.office.nameEn };
  const [credential, firstCredentialMs] = await timed(() => officerCredential(config, officer));
  const trusted = await trustedCaPem(config);

  const render: number[] = [];
  const sign: number[] = [];
  const verify: number[] = [];
  let pdf: Buffer = Buffer.alloc(0);
  for (let i = 0; i < (smoke ? 2 : 21); i++) {
    const [doc, renderMs] = await timed(() => renderCertificate(content));
    const [signed, signMs] = await timed(() => signCertificatePdf(doc, credential, { reason: 'bench', location: 'Barasat I', name: officer.name, signedAt: content.issuedAt }));
    const [, verifyMs] = await timed(() => verifyCertificatePdf(signed, trusted));
    if (i === 0) continue; // warm-up: wasm, fonts, JIT
    render.push(renderMs);
    sign.push(signMs);
    verify.push(verifyMs);
    pdf = signed;
  }
  return {
    name: 'certificate: render, sign, verify (median of 20, in-process)',
    'first credential (CA + officer)': `${firstCredentialMs.toFixed(0)} ms`,
    'render (HarfBuzz + pdf-lib)': `${median(render).toFixed(0)} ms`,
    'sign (CMS, PKCS#12)': `${median(sign).toFixed(0)} ms`,
    'verify a stored PDF': `${median(verify).toFixed(0)} ms (once per PDF per process; kept after)`,
    'signed PDF size': `${(pdf.length / 1024).toFixed(0)} KB`
  };
}
