// The district's QR seal key (DESIGN §9) where the district keeps it: on the PKCS#11 token under
// PKCS11_SEAL_KEY_LABEL (issue 14), else the PEM file or development key of seal.ts.
import type { KeyObject } from 'node:crypto';
import type { Config } from '../config.ts';
import { districtPublicKeyPem, districtSealKey, type SealSigner } from '../certificates/seal.ts';
import { loadOnce } from '../secrets.ts';
import { tokenSealKey } from './pkcs11.ts';

function tokenKey(config: Config) {
  const token = config.pkcs11!;
  return loadOnce(config, 'district-seal-token', async () => tokenSealKey(token, token.sealKeyLabel!));
}

export async function districtSealSigner(config: Config): Promise<KeyObject | SealSigner> {
  return config.pkcs11?.sealKeyLabel ? tokenKey(config) : districtSealKey(config);
}

export async function districtSealPublicKeyPem(config: Config): Promise<string> {
  return config.pkcs11?.sealKeyLabel ? (await tokenKey(config)).publicKeyPem : districtPublicKeyPem(config);
}
