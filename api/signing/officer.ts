// Which way an officer signs (DESIGN §14) and the key that does it. The officer's own users.signing_mode wins, then
// the district's entry in SIGNING_MODE_BY_DISTRICT, then SIGNING_MODE: a district can move its BDOs to eSign one
// by one while the rest keep their HSM keys.
import type { Config, SigningMode } from '../config.ts';
import { officerCredential, type Officer } from '../certificates/credentials.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import type { KeySigner } from './cms.ts';
import { p12KeySigner } from './p12.ts';
import { officerKeyLabel, pkcs11KeySigner } from './pkcs11.ts';

export async function signingModeOf(config: Config, sql: Queryable, officerId: string, districtCode: string): Promise<SigningMode> {
  const [row] = await sql<{ signingMode: SigningMode | null }[]>`select signing_mode from users where id = ${officerId}`;
  return row?.signingMode ?? config.signing.modeByDistrict[districtCode] ?? config.signing.mode;
}

/** The key of a mode that signs on the server: dev and p12 from a PKCS#12 (opened once per runtime), pkcs11 on the token. */
export async function officerKeySigner(deps: Pick<Deps, 'config' | 'secrets'>, mode: Exclude<SigningMode, 'esign'>, officer: Officer): Promise<KeySigner> {
  const { config } = deps;
  if (mode === 'pkcs11') {
    if (!config.pkcs11) throw new Error('SIGNING_MODE=pkcs11 needs PKCS11_MODULE (and PKCS11_TOKEN_LABEL, PKCS11_PIN)');
    return pkcs11KeySigner(config.pkcs11, officerKeyLabel(officer.id));
  }
  // Development's local CA is never used in production, whatever the mode says.
  if (mode === 'dev' && config.production) throw new Error('SIGNING_MODE=dev is not allowed in production');
  return p12KeySigner(await deps.secrets.get(`officer-credential/${officer.id}`, () => officerCredential(config, officer)));
}
