// The district's QR seal key (DESIGN §9) where the district keeps it: on the PKCS#11 token under
// PKCS11_SEAL_KEY_LABEL (issue 14), else the PEM file or development key of seal.ts. Each is read once per runtime,
// into `deps.secrets`.
import type { KeyObject } from 'node:crypto';
import { districtPublicKeyPem, districtSealKey, type SealSigner } from '../certificates/seal.ts';
import type { Deps } from '../deps.ts';
import { tokenSealKey } from './pkcs11.ts';

type KeyDeps = Pick<Deps, 'config' | 'secrets'>;

function tokenKey(deps: KeyDeps) {
  const token = deps.config.pkcs11!;
  return deps.secrets.get('district-seal-token', async () => tokenSealKey(token, token.sealKeyLabel!));
}

/** The private key of a seal kept as a file (or made in development): what signs the audit checkpoints too. */
export function districtSealPrivateKey(deps: KeyDeps): Promise<KeyObject> {
  return deps.secrets.get('district-seal', () => districtSealKey(deps.config));
}

export async function districtSealSigner(deps: KeyDeps): Promise<KeyObject | SealSigner> {
  return deps.config.pkcs11?.sealKeyLabel ? tokenKey(deps) : districtSealPrivateKey(deps);
}

export async function districtSealPublicKeyPem(deps: KeyDeps): Promise<string> {
  return deps.config.pkcs11?.sealKeyLabel ? (await tokenKey(deps)).publicKeyPem : districtPublicKeyPem(deps.config);
}
