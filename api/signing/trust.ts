// What verification trusts: the officers' CAs (credentials.ts), the roots of the TSA's tokens (TSA_TRUSTED_CA_PEM)
// and the CRLs of the officers' CAs (SIGNING_CRL_PEM), read once per runtime.
import { readFile } from 'node:fs/promises';
import { trustedCaPem } from '../certificates/credentials.ts';
import type { Deps } from '../deps.ts';
import type { VerifyOptions } from '../certificates/sign.ts';

/** The officers' CAs a certificate must chain to, and what else verification trusts, read once per runtime. */
export function trustAnchors(deps: Pick<Deps, 'config' | 'secrets'>): Promise<{ cas: string[]; options: VerifyOptions }> {
  const { config } = deps;
  return deps.secrets.get('trust-anchors', async () => ({
    cas: await trustedCaPem(config),
    options: {
      trustedTsaCas: config.signing.trustedTsaCaPath ? [await readFile(config.signing.trustedTsaCaPath, 'utf8')] : [],
      crls: config.signing.crlPath ? [await readFile(config.signing.crlPath, 'utf8')] : []
    }
  }));
}
