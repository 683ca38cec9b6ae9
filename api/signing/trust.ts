// What verification trusts besides the officers' CAs (credentials.ts): the roots of the TSA's tokens
// (TSA_TRUSTED_CA_PEM) and the CRLs of the officers' CAs (SIGNING_CRL_PEM), read once per process.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import type { VerifyOptions } from '../certificates/sign.ts';
import { loadOnce } from '../secrets.ts';

export function verifyOptions(config: Config): Promise<VerifyOptions> {
  return loadOnce(config, 'verify-options', async () => ({
    trustedTsaCas: config.signing.trustedTsaCaPath ? [await readFile(config.signing.trustedTsaCaPath, 'utf8')] : [],
    crls: config.signing.crlPath ? [await readFile(config.signing.crlPath, 'utf8')] : []
  }));
}
