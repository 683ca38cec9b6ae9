// Officers' keys in an HSM (SIGNING_MODE=pkcs11; DESIGN §14), reached through PKCS#11 with pkcs11js (a thin,
// maintained binding of the Cryptoki C API that builds on Node 20; graphene-pk11 sits on top of it and adds nothing
// we need). Keys are made on the token as sensitive and not extractable, so they never leave it: the server only
// asks the token to sign the DER of a CMS's signed attributes. An officer's key and certificate carry the label
// `officer-<user id>`; the CA certificates stored on the token with labels starting `ca:` travel in the CMS.
// Tests run this against SoftHSM2.
import * as pkcs11js from 'pkcs11js';
import type { KeySigner } from './cms.ts';

export interface TokenConfig {
  module: string;
  tokenLabel?: string;
  pin?: string;
}

const loaded = new Map<string, pkcs11js.PKCS11>();

/** One loaded, initialised library per module path for the life of the process (PKCS#11 allows one init). */
function library(module: string): pkcs11js.PKCS11 {
  let lib = loaded.get(module);
  if (!lib) {
    lib = new pkcs11js.PKCS11();
    lib.load(module);
    lib.C_Initialize();
    loaded.set(module, lib);
  }
  return lib;
}

/** Runs `work` in a fresh read-write session logged in as the user, and closes the session after. */
export function withToken<T>(token: TokenConfig, work: (lib: pkcs11js.PKCS11, session: pkcs11js.Handle) => T): T {
  const lib = library(token.module);
  const slot = lib.C_GetSlotList(true).find((s) => !token.tokenLabel || lib.C_GetTokenInfo(s).label.trim() === token.tokenLabel);
  if (!slot) throw new Error(`no PKCS#11 token${token.tokenLabel ? ` labelled ${token.tokenLabel}` : ''} in ${token.module}`);
  const session = lib.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
  try {
    try {
      lib.C_Login(session, pkcs11js.CKU_USER, token.pin);
    } catch (err) {
      // Login is per token, not per session: a second session finds it done.
      if (!(err instanceof pkcs11js.Pkcs11Error && err.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) throw err;
    }
    return work(lib, session);
  } finally {
    lib.C_CloseSession(session);
  }
}

function find(lib: pkcs11js.PKCS11, session: pkcs11js.Handle, template: pkcs11js.Template, max = 100): pkcs11js.Handle[] {
  lib.C_FindObjectsInit(session, template);
  try {
    return lib.C_FindObjects(session, max);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

export const officerKeyLabel = (userId: string) => `officer-${userId}`;

/** A signer whose private key stays on the token; its certificate and the `ca:` certificates come from the token. */
export function pkcs11KeySigner(token: TokenConfig, label: string): KeySigner {
  const certificates = withToken(token, (lib, session) => {
    const [key] = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: label }], 1);
    if (!key) throw new Error(`no private key labelled ${label} on the PKCS#11 token`);
    const value = (h: pkcs11js.Handle) => lib.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_VALUE }])[0]!.value;
    const [own] = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }, { type: pkcs11js.CKA_LABEL, value: label }], 1);
    if (!own) throw new Error(`no certificate labelled ${label} on the PKCS#11 token`);
    const cas = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).filter((h) =>
      String(lib.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_LABEL }])[0]!.value).startsWith('ca:')
    );
    return [value(own), ...cas.map(value)];
  });
  return {
    certificates,
    sign: async (data) =>
      withToken(token, (lib, session) => {
        const [key] = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: label }], 1);
        if (!key) throw new Error(`no private key labelled ${label} on the PKCS#11 token`);
        lib.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
        return Buffer.from(lib.C_Sign(session, data, Buffer.alloc(1024)));
      })
  };
}

/**
 * Makes an RSA-2048 key pair on the token under `label`, private half sensitive and never extractable, and returns
 * the public key (SPKI DER) for the CA to certify. What a district runs once per officer (scripts/pkcs11-key.ts).
 */
export function generateTokenKey(token: TokenConfig, label: string): { modulus: Buffer; exponent: Buffer } {
  return withToken(token, (lib, session) => {
    const id = Buffer.from(label);
    const { publicKey } = lib.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }
      ],
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true }
      ]
    );
    const [modulus, exponent] = lib.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
    return { modulus: modulus!.value, exponent: exponent!.value };
  });
}

/** Stores a certificate (DER) on the token under `label`: the officer's, or a CA's as `ca:<name>`. */
export function storeTokenCertificate(token: TokenConfig, label: string, der: Buffer, subject: Buffer): void {
  withToken(token, (lib, session) => {
    lib.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: Buffer.from(label) },
      { type: pkcs11js.CKA_SUBJECT, value: subject },
      { type: pkcs11js.CKA_VALUE, value: der }
    ]);
  });
}

/** Whether the private key under `label` can be read out of the token (it must not). */
export function tokenKeyExtractable(token: TokenConfig, label: string): { sensitive: boolean; extractable: boolean } {
  return withToken(token, (lib, session) => {
    const [key] = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: label }], 1);
    if (!key) throw new Error(`no private key labelled ${label}`);
    const [s, e] = lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }]);
    return { sensitive: s!.value[0] === 1, extractable: e!.value[0] === 1 };
  });
}

// Ed25519 on the token (PKCS#11 3.0 mechanisms, which pkcs11js does not name): the district's QR seal key.
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
const ED25519_OID = Buffer.from('06032b6570', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Makes an Ed25519 key pair on the token under `label` (never extractable) and returns its public key as PEM. */
export function generateTokenSealKey(token: TokenConfig, label: string): string {
  return withToken(token, (lib, session) => {
    const id = Buffer.from(label);
    const { publicKey } = lib.C_GenerateKeyPair(
      session,
      { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_EC_PARAMS, value: ED25519_OID }
      ],
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true }
      ]
    );
    return spkiPem(lib.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_EC_POINT }])[0]!.value);
  });
}

/** CKA_EC_POINT holds the 32-byte key, as a DER OCTET STRING (SoftHSM) or bare: either way, the SPKI PEM. */
function spkiPem(point: Buffer): string {
  const raw = point.length === 34 && point[0] === 0x04 && point[1] === 0x20 ? point.subarray(2) : point;
  const der = Buffer.concat([ED25519_SPKI_PREFIX, raw]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}

/** The seal key on the token: a signing function for sealPayload, and its public key for the offline check. */
export function tokenSealKey(token: TokenConfig, label: string): { sign(data: Buffer): Buffer; publicKeyPem: string } {
  const publicKeyPem = withToken(token, (lib, session) => {
    const [pub] = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, { type: pkcs11js.CKA_LABEL, value: label }], 1);
    if (!pub) throw new Error(`no public key labelled ${label} on the PKCS#11 token`);
    return spkiPem(lib.C_GetAttributeValue(session, pub, [{ type: pkcs11js.CKA_EC_POINT }])[0]!.value);
  });
  return {
    publicKeyPem,
    sign: (data) =>
      withToken(token, (lib, session) => {
        const [key] = find(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: label }], 1);
        if (!key) throw new Error(`no private key labelled ${label} on the PKCS#11 token`);
        lib.C_SignInit(session, { mechanism: CKM_EDDSA }, key);
        return Buffer.from(lib.C_Sign(session, data, Buffer.alloc(64)));
      })
  };
}
