// Building blocks for tests that file applications: test images made with sharp, uploads, a valid form.
import sharp from 'sharp';
import { documentKinds, type DocumentKind } from '../../shared/application.ts';
import { hashPassword } from '../../api/auth/password.ts';
import type { Sql } from '../../api/db/connect.ts';
import { Client } from './client.ts';

/** A small photo-like JPEG, different for each seed, optionally carrying EXIF GPS data like a phone photo. */
export async function testJpeg(seed = 0, opts: { width?: number; height?: number; exif?: boolean } = {}): Promise<Buffer> {
  const { width = 320, height = 240 } = opts;
  let image = sharp({ create: { width, height, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: 120 } } }).jpeg({ quality: 80 });
  if (opts.exif) image = image.withExif({ IFD0: { Make: 'TestPhone', Model: 'SecretModel-42' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 43/1 12/1' } });
  return image.toBuffer();
}

export const proofs: Record<DocumentKind, string> = {
  photo: 'photograph',
  identity: 'epic',
  age: 'birth_certificate',
  residence: 'panchayat_pradhan',
  signed_form: 'signed_form'
};

export async function upload(client: Client, origin: string, file: { bytes: Uint8Array; name: string; type: string }, kind: string, proof?: string) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  form.set('kind', kind);
  if (proof) form.set('proof', proof);
  return client.request('POST', '/api/documents', { body: form, headers: { origin } });
}

/** Uploads one image per required kind and returns the document ids. */
export async function uploadDocumentSet(client: Client, origin: string, seed = 0): Promise<string[]> {
  const ids: string[] = [];
  for (const kind of documentKinds) {
    const res = await upload(client, origin, { bytes: await testJpeg(seed + ids.length), name: `${kind}.jpg`, type: 'image/jpeg' }, kind, proofs[kind]);
    if (res.status !== 201) throw new Error(`upload ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
  }
  return ids;
}

export function validApplicant(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Rina Das',
    guardianRelation: 'father',
    guardianName: 'Haripada Das',
    gender: 'female',
    dateOfBirth: '1998-04-14',
    mobile: '9000000001',
    email: 'rina@example.com',
    presentAddress: { house: 'Vill. Kazipara', postOffice: 'Barasat', policeStation: 'Barasat', pin: '700124', blockId: 'n24pgs/barasat-sadar/barasat-i' },
    permanentSameAsPresent: true,
    yearsOfResidence: 20,
    purpose: 'College admission',
    declaration: true,
    ...overrides
  };
}

let keySeq = 0;
export function idempotencyKey(): string {
  keySeq += 1;
  return `test-${process.pid}-${Date.now()}-${keySeq}`;
}

export async function loginClient(base: string, userId: string, password = 'demo-password'): Promise<Client> {
  const c = new Client(base);
  const res = await c.post('/api/auth/login', { login: userId, password });
  if (res.status !== 200) throw new Error(`login ${userId}: ${res.status}`);
  return c;
}

/** An account straight in the database, for tests that need a second officer or citizen without the OTP dance. */
export async function insertUser(sql: Sql, u: { id: string; role: string; officeId?: string | null; mobile: string; name?: string }): Promise<void> {
  await sql`
    insert into users (id, name, mobile, role, office_id, password_hash)
    values (${u.id}, ${u.name ?? 'Test ' + u.role}, ${u.mobile}, ${u.role}, ${u.officeId ?? null}, ${await hashPassword('demo-password')})`;
}
