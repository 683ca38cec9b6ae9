// The district's seal on the certificate's QR code (DESIGN §9): a short text naming the certificate, the
// applicant and the issuing office, signed with the district's Ed25519 key, so anyone holding the district's public
// key can check a printed certificate with no network (scripts/verify-qr.ts). Only Node built-ins are imported
// here (and in ../secrets.ts), so that script runs on an officer's laptop without the database or the server.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { readOrCreate } from '../secrets.ts';

export interface SealFields {
  certificateNo: string;
  ain: string;
  /** Latin script keeps the QR small: each Bengali letter costs 9 characters once percent-encoded in the URL. */
  name: string;
  /** YYYY-MM-DD, Kolkata date. */
  issuedOn: string;
  /** The issuing block's census codes, district then block ("11002"). */
  officeCode: string;
  /**
   * Every other fact the certificate prints (v2), so that none of them can be edited on paper unnoticed: the
   * honorific and "son/daughter/wife of" follow the gender and the relation. Absent only from v1 seals, which
   * covered the five fields above.
   */
  printed?: PrintedFacts;
}

export interface PrintedFacts {
  gender: 'female' | 'male' | 'transgender';
  guardianRelation: 'father' | 'mother' | 'spouse';
  guardianName: string;
  /** The address line exactly as printed. */
  address: string;
  yearsOfResidence: number;
  /** The approving officer, as printed under "Digitally signed by". */
  officer: string;
}

/** An Ed25519 key kept elsewhere (an HSM: api/signing/seal-key.ts) that signs and never shows itself. */
export interface SealSigner {
  sign(data: Buffer): Buffer;
}

export type OpenedSeal = { ok: true; fields: SealFields } | { ok: false; reason: SealRefusal };
export type SealRefusal = 'malformed' | 'unknown-version' | 'bad-signature' | 'bad-key' | 'certificate-mismatch';

// A version first, so a later layout can be told apart from this one by old and new verifiers alike. v1 sealed five
// fields; v2 seals every fact printed (issue 11: an edited address, guardian or years still scanned VALID).
const VERSION = 'v2';
// "~" is unreserved in URLs (RFC 3986), so it survives in the QR's URL unencoded; "|" would need %7C or could cut
// the link short in some scanner apps. A field holding "~" or "%" has them percent-escaped (fieldOut).
const SEPARATOR = '~';
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/; // 64 bytes of Ed25519 signature, base64url without padding
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const GENDERS = ['female', 'male', 'transgender'] as const;
const RELATIONS = ['father', 'mother', 'spouse'] as const;

const fieldOut = (v: string) => v.replace(/%/g, '%25').replace(/~/g, '%7E');
const fieldIn = (v: string) => v.replace(/%7E/g, '~').replace(/%25/g, '%');

/** `v2~ORC-2026-11002-000017~<AIN>~<name>~<gender>~<relation>~<guardian>~<years>~<address>~<date>~<office>~<officer>` + `.` + base64url signature. Deterministic. */
export function sealPayload(key: KeyObject | SealSigner, fields: SealFields & { printed: PrintedFacts }): string {
  const p = fields.printed;
  const values = [fields.certificateNo, fields.ain, fields.name, p.gender, p.guardianRelation, p.guardianName, String(p.yearsOfResidence), p.address, fields.issuedOn, fields.officeCode, p.officer];
  // A broken invariant, not a user's mistake: the issuer passes validated values.
  if (values.some((v) => !v || /[\u0000-\u001f\u007f]/.test(v)) || !DATE.test(fields.issuedOn) || !Number.isInteger(p.yearsOfResidence)) {
    throw new Error('A seal field is empty, not a date, or holds a control character.');
  }
  const text = [VERSION, ...values.map(fieldOut)].join(SEPARATOR);
  const data = Buffer.from(text, 'utf8');
  return `${text}.${('sign' in key ? key.sign(data) : sign(null, data, key)).toString('base64url')}`;
}

/** Checks a sealed text (as read from the QR's fragment, decoded). Never throws. */
export function openSeal(publicKey: string | KeyObject, sealed: string): OpenedSeal {
  let key: KeyObject;
  try {
    key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'bad-key' };
  } catch {
    return { ok: false, reason: 'bad-key' };
  }
  // base64url has no ".", so the last one separates the signature even if a name contains dots.
  const dot = sealed.lastIndexOf('.');
  const text = sealed.slice(0, dot);
  const signature = sealed.slice(dot + 1);
  if (dot === -1 || !SIGNATURE.test(signature)) return { ok: false, reason: 'malformed' };
  const parts = text.split(SEPARATOR);
  if (parts[0] !== 'v1' && parts[0] !== 'v2') return { ok: false, reason: 'unknown-version' };
  if (!verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad-signature' };
  if (parts.some((p) => !p)) return { ok: false, reason: 'malformed' };
  if (parts[0] === 'v1') {
    const [, certificateNo, ain, name, issuedOn, officeCode] = parts;
    if (parts.length !== 6) return { ok: false, reason: 'malformed' };
    return { ok: true, fields: { certificateNo: certificateNo!, ain: ain!, name: name!, issuedOn: issuedOn!, officeCode: officeCode! } };
  }
  if (parts.length !== 12) return { ok: false, reason: 'malformed' };
  const [, certificateNo, ain, name, gender, guardianRelation, guardianName, years, address, issuedOn, officeCode, officer] = parts.map(fieldIn) as [string, ...string[]];
  const genderOk = (GENDERS as readonly string[]).includes(gender!);
  const relationOk = (RELATIONS as readonly string[]).includes(guardianRelation!);
  if (!genderOk || !relationOk || !/^\d{1,3}$/.test(years!)) return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    fields: {
      certificateNo: certificateNo!,
      ain: ain!,
      name: name!,
      issuedOn: issuedOn!,
      officeCode: officeCode!,
      printed: {
        gender: gender as PrintedFacts['gender'],
        guardianRelation: guardianRelation as PrintedFacts['guardianRelation'],
        guardianName: guardianName!,
        address: address!,
        yearsOfResidence: Number(years),
        officer: officer!
      }
    }
  };
}

/**
 * The QR's text: the verify page's URL, with the seal in the fragment. A browser never sends the fragment to the
 * server, so the applicant's name and AIN in it never land in access logs or proxies; the verify page reads it
 * client-side. The certificate number is one path segment even if it ever holds "/".
 */
export function qrText(origin: string, certificateNo: string, sealed: string): string {
  // encodeURI keeps the separators and base64url as they are and escapes spaces and non-ASCII letters; "#" is
  // escaped too, so the fragment has exactly one.
  return `${origin.replace(/\/+$/, '')}/verify/${encodeURIComponent(certificateNo)}#${encodeURI(sealed).replace(/#/g, '%23')}`;
}

/**
 * Checks what a scanner read from the QR: the whole URL, or only the sealed text. The certificate number in the
 * URL's path is not signed, so it must match the sealed one: otherwise a genuine seal could vouch for another link.
 */
export function openQrText(publicKey: string | KeyObject, text: string): OpenedSeal {
  const trimmed = text.trim();
  const hash = trimmed.indexOf('#');
  let sealed = trimmed;
  let pathNo: string | undefined;
  try {
    if (hash !== -1) {
      sealed = decodeURIComponent(trimmed.slice(hash + 1));
      const path = /\/verify\/([^/?#]+)$/.exec(trimmed.slice(0, hash));
      if (path) pathNo = decodeURIComponent(path[1]!);
    }
  } catch {
    return { ok: false, reason: 'malformed' }; // a broken %-escape
  }
  const opened = openSeal(publicKey, sealed);
  if (opened.ok && pathNo !== undefined && pathNo !== opened.fields.certificateNo) return { ok: false, reason: 'certificate-mismatch' };
  return opened;
}

/**
 * The district's private key. DISTRICT_SEAL_KEY (a PEM file) when set; required in production, where it is only
 * read when a certificate is issued or the public key is asked for. Development makes one on first use under
 * DATA_DIR/secrets, with its public half beside it to hand to scripts/verify-qr.ts. Read each call:
 * `districtSealPrivateKey` (api/signing/seal-key.ts) keeps it per runtime.
 */
export async function districtSealKey(config: Config): Promise<KeyObject> {
  const path = config.signing.sealKeyPath;
  if (path) return ed25519PrivateKey(await readFile(path, 'utf8'), path);
  if (config.production) throw new Error('DISTRICT_SEAL_KEY must be set in production to issue or check certificates (see .env.example).');
  const privatePath = join(config.dataDir, 'secrets', 'district-seal.pem');
  const key = ed25519PrivateKey(
    (await readOrCreate(privatePath, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))).toString('utf8'),
    privatePath
  );
  const publicPath = join(config.dataDir, 'secrets', 'district-seal.pub.pem');
  const publicPem = publicKeyPem(key);
  if ((await readFile(publicPath, 'utf8').catch(() => '')) !== publicPem) {
    // Derived from the private key, so whoever writes it writes the same text; rename just keeps it whole.
    const temp = `${publicPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, publicPem, { mode: 0o644 });
    await rename(temp, publicPath);
  }
  return key;
}

/** Served at GET /api/verify/district-key.pem for offline checks. */
export async function districtPublicKeyPem(config: Config): Promise<string> {
  return publicKeyPem(await districtSealKey(config));
}

function publicKeyPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

function ed25519PrivateKey(pem: string, path: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`The district seal key at ${path} is ${key.asymmetricKeyType}, not Ed25519.`);
  return key;
}
