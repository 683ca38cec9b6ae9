// Uploads have limits and a full disk is handled (issue 11 item 6): a per-user quota of files and bytes for uploads
// not yet in an application, and an hourly rate, that parallel uploads cannot race; a janitor that removes what was
// never attached after a day, with its files; a full disk answered 507 with nothing half-written, for an upload and
// for an approval whose PDF cannot be stored.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeUnattachedUploads } from '../../api/documents/janitor.ts';
import { idempotencyKey, insertUser, loginClient, testJpeg, upload, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let filesDir: string;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  filesDir = join(server.runtime.deps.config.dataDir, 'files');
  const sql = server.runtime.deps.sql;
  for (const [i, id] of ['quota-a', 'quota-b', 'rate-c', 'janitor-d', 'limits-e', 'crowd-f'].entries()) await insertUser(sql, { id, role: 'citizen', mobile: `+91983005000${i}` });
});
afterAll(() => server?.close());

const uploads = () => server.runtime.deps.config.uploads;
const jpeg = async (seed: number) => ({ bytes: await testJpeg(seed), name: 'photo.jpg', type: 'image/jpeg' });
const statuses = (answers: { status: number }[]) => answers.map((a) => a.status).sort();

/** A JPEG of noise, which does not compress: about `kb` kilobytes. */
async function bigJpeg(kb: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt((kb * 1024) / 1.2));
  const noise = Buffer.alloc(side * side * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  return sharp(noise, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 98 }).toBuffer();
}

/**
 * One upload sent as raw HTTP, as a client that does not play by the rules can send it: `chunks` written one by one,
 * with the given Content-Length or, without one, chunked. Resolves with the answer; a connection the server closes
 * after answering is fine.
 */
function rawUpload(cookie: string, body: { chunks: Buffer[]; boundary: string; contentLength?: number }): Promise<{ status: number; connection: string | undefined; body: { error?: { code: string; fields?: Record<string, string> } } }> {
  return new Promise((resolve, reject) => {
    const url = new URL('/api/documents', server.url);
    const req = request(url, {
      method: 'POST',
      headers: {
        cookie,
        origin: server.origin,
        'content-type': `multipart/form-data; boundary=${body.boundary}`,
        ...(body.contentLength === undefined ? {} : { 'content-length': body.contentLength })
      }
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: JSON.parse(text) }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    for (const chunk of body.chunks) req.write(chunk);
    req.end();
  });
}

/**
 * The JPEG made exactly `size` bytes long by comment segments (COM, 0xFFFE) after its start marker: still a valid
 * image, whose comments the stored copy drops.
 */
function paddedJpeg(jpeg: Buffer, size: number): Buffer {
  const segments: Buffer[] = [];
  for (let pad = size - jpeg.length; pad > 0; ) {
    let take = Math.min(pad, 65537); // a segment is its marker, its length (at most 65535) and the payload
    if (pad - take > 0 && pad - take < 4) take -= 4; // leave room for one more segment of at least 4 bytes
    const segment = Buffer.alloc(take, 0x20);
    segment.writeUInt16BE(0xfffe, 0);
    segment.writeUInt16BE(take - 2, 2);
    segments.push(segment);
    pad -= take;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

function part(boundary: string, name: string, value: Buffer | string, filename?: string): Buffer {
  const disposition = `form-data; name="${name}"` + (filename ? `; filename="${filename}"\r\nContent-Type: image/jpeg` : '');
  return Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from(value), Buffer.from('\r\n')]);
}

describe("the upload's body, read as it arrives (api/documents/multipart.ts)", () => {
  const boundary = 'b0undary7MA4YWxkTrZu0gW';
  const storedFor = async (id: string) => (await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from documents where uploaded_by = ${id}`)[0]!.n;

  test('a chunked body without a Content-Length is cut off at the limit: 413, the connection closed, nothing stored', async () => {
    Object.assign(uploads(), { maxFiles: 40, maxBytes: 60 * 1048576, perHour: 1000 });
    const client = await loginClient(server.url, 'limits-e');
    const limit = server.runtime.deps.config.uploadSizeLimit;
    const oneMb = Buffer.alloc(1048576, 0xab);
    const chunks = [part(boundary, 'kind', 'photo'), part(boundary, 'proof', 'photograph'), Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff`, 'latin1')];
    for (let sent = 0; sent <= limit + 1048576; sent += oneMb.length) chunks.push(oneMb);
    chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const res = await rawUpload(client.cookie, { chunks, boundary });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('file_too_large');
    expect(res.connection).toBe('close');
    expect(await storedFor('limits-e')).toBe(0);
  });

  test('two files in one upload, or a body that ends inside its file, are a 400 that names the file', async () => {
    const client = await loginClient(server.url, 'limits-e');
    const photo = await testJpeg(31);
    const twoFiles = Buffer.concat([part(boundary, 'kind', 'photo'), part(boundary, 'file', photo, 'a.jpg'), part(boundary, 'file', photo, 'b.jpg'), Buffer.from(`--${boundary}--\r\n`)]);
    const cut = Buffer.concat([part(boundary, 'kind', 'photo'), part(boundary, 'file', photo, 'a.jpg')]).subarray(0, -500);
    for (const body of [twoFiles, cut]) {
      const res = await rawUpload(client.cookie, { chunks: [body], boundary, contentLength: body.length });
      expect(res.status).toBe(400);
      expect(res.body.error?.fields).toHaveProperty('file');
    }
    expect(await storedFor('limits-e')).toBe(0);
    // And the same parts, whole and with one file, are stored.
    const whole = Buffer.concat([part(boundary, 'kind', 'photo'), part(boundary, 'file', photo, 'a.jpg'), Buffer.from(`--${boundary}--\r\n`)]);
    expect((await rawUpload(client.cookie, { chunks: [whole], boundary, contentLength: whole.length })).status).toBe(201);
    expect(await storedFor('limits-e')).toBe(1);
  });

  test('a file of exactly the size limit is stored; one byte more is a 413', async () => {
    const client = await loginClient(server.url, 'limits-e');
    const limit = server.runtime.deps.config.uploadSizeLimit;
    const before = await storedFor('limits-e');
    for (const [size, status] of [[limit, 201], [limit + 1, 413]] as const) {
      const body = Buffer.concat([part(boundary, 'kind', 'photo'), part(boundary, 'file', paddedJpeg(await testJpeg(32), size), 'exact.jpg'), Buffer.from(`--${boundary}--\r\n`)]);
      const res = await rawUpload(client.cookie, { chunks: [body], boundary, contentLength: body.length });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
    }
    expect(await storedFor('limits-e')).toBe(before + 1);
  });

  test('a form field longer than a field may be is a 400 that names it', async () => {
    const client = await loginClient(server.url, 'limits-e');
    const body = Buffer.concat([part(boundary, 'kind', 'photo'), part(boundary, 'proof', 'x'.repeat(2000)), part(boundary, 'file', await testJpeg(33), 'a.jpg'), Buffer.from(`--${boundary}--\r\n`)]);
    const res = await rawUpload(client.cookie, { chunks: [body], boundary, contentLength: body.length });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toEqual({ proof: expect.any(String) });
  });

  test('a body that is not a form upload is a 415 that says to send one, not to send JSON', async () => {
    const client = await loginClient(server.url, 'limits-e');
    const res = await client.post('/api/documents', { kind: 'photo' });
    expect(res.status).toBe(415);
    expect(res.body.error).toEqual({ code: 'multipart_expected', message: 'Send the file as a form upload (Content-Type: multipart/form-data).' });
  });
});

describe('per-user limits on unattached uploads', () => {
  test('20 uploads at once against a quota of 5 files: exactly 5 are stored, the rest get a 413 that says why', async () => {
    Object.assign(uploads(), { maxFiles: 5, perHour: 1000 });
    const a = await loginClient(server.url, 'quota-a');
    const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => upload(a, server.origin, await jpeg(100 + i), 'photo', 'photograph')));
    expect(statuses(answers)).toEqual([...Array(5).fill(201), ...Array(15).fill(413)]);
    const refused = answers.find((x) => x.status === 413)!;
    expect(refused.body.error.code).toBe('upload_quota');
    expect(refused.body.error.message).toMatch(/5 files .* uploaded but not yet in an application/);
  });

  test('bytes count too: a second large file over the byte quota is a 413', async () => {
    Object.assign(uploads(), { maxFiles: 40, maxBytes: 1024 * 1024, perHour: 1000 });
    const b = await loginClient(server.url, 'quota-b');
    const big = await bigJpeg(600);
    expect((await upload(b, server.origin, { bytes: big, name: 'a.jpg', type: 'image/jpeg' }, 'identity', 'epic')).status).toBe(201);
    const second = await upload(b, server.origin, { bytes: await bigJpeg(610), name: 'b.jpg', type: 'image/jpeg' }, 'identity', 'epic');
    expect(second.status).toBe(413);
    expect(second.body.error.code).toBe('upload_quota');
  });

  test("the quota is read from the uploader's own unattached files, however many others have (migration 021)", async () => {
    // 4,000 uploads of someone else, half-way through their applications, as on a busy day across the state.
    const sql = server.runtime.deps.sql;
    await sql`
      insert into documents (uploaded_by, kind, proof, sha256, size, mime, created_at)
      select 'crowd-f', 'photo', 'photograph', encode(sha256(g::text::bytea), 'hex'), 1000, 'image/jpeg', now()
      from generate_series(1, 4000) g`;
    await sql`analyze documents`;
    try {
      // The quota's query in api/documents/documents.ts.
      const rows = await sql.unsafe<{ 'QUERY PLAN': unknown }[]>(`
        explain (format json) select count(*)::int as files, coalesce(sum(size), 0)::bigint as bytes
        from documents where uploaded_by = 'quota-a' and application_id is null`);
      const scans = JSON.stringify(rows[0]!['QUERY PLAN']);
      expect(scans).toContain('"Index Name":"documents_unattached_by_uploader"');
      expect(scans).not.toContain('documents_application');
    } finally {
      await sql`delete from documents where uploaded_by = 'crowd-f'`;
    }
  });

  test('past the hourly rate: 429 with Retry-After, counted before the file is looked at', async () => {
    Object.assign(uploads(), { maxFiles: 40, maxBytes: 60 * 1048576, perHour: 3 });
    const c = await loginClient(server.url, 'rate-c');
    const answers = await Promise.all(Array.from({ length: 8 }, async (_, i) => upload(c, server.origin, await jpeg(200 + i), 'photo', 'photograph')));
    expect(statuses(answers)).toEqual([...Array(3).fill(201), ...Array(5).fill(429)]);
    const limited = answers.find((x) => x.status === 429)!;
    expect(limited.body.error.code).toBe('upload_rate');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    server.clock.advance(3_600_000);
    const later = await loginClient(server.url, 'rate-c'); // the session lapsed meanwhile
    expect((await upload(later, server.origin, await jpeg(300), 'photo', 'photograph')).status).toBe(201);
  });
});

describe('the janitor', () => {
  test('removes uploads never attached after 24 hours, with their files, but not a file an application still uses', async () => {
    Object.assign(uploads(), { maxFiles: 40, maxBytes: 60 * 1048576, perHour: 1000 });
    const d = await loginClient(server.url, 'janitor-d');
    const documents = await uploadDocumentSet(d, server.origin, 400);
    const filed = await d.request('POST', '/api/applications', { json: { applicant: validApplicant({ mobile: '9830050003' }), documents }, headers: { 'idempotency-key': idempotencyKey() } });
    expect(filed.status).toBe(201);
    // The same bytes as an attached document, and a file of its own, both left unattached.
    const shared = await upload(d, server.origin, await jpeg(400), 'photo', 'photograph');
    const own = await upload(d, server.origin, await jpeg(499), 'photo', 'photograph');
    expect([shared.status, own.status]).toEqual([201, 201]);
    const { storage } = server.runtime.deps;

    server.clock.advance(23 * 3_600_000);
    expect(await removeUnattachedUploads(server.runtime.deps)).toMatchObject({ documents: 0 });
    server.clock.advance(2 * 3_600_000);
    const removed = await removeUnattachedUploads(server.runtime.deps);
    expect(removed.documents).toBeGreaterThanOrEqual(2);
    expect(await storage.get(own.body.sha256)).toBeNull();
    expect(await storage.get(shared.body.sha256)).not.toBeNull(); // still in the application
    const again = await loginClient(server.url, 'janitor-d'); // a day later, a new session
    expect((await again.get(`/api/documents/${own.body.id}`)).status).toBe(404);
    expect((await again.get(`/api/documents/${documents[0]}`)).status).toBe(200);
  });
});

describe('a full disk', () => {
  let mounted = false;
  afterAll(() => {
    if (mounted) asRoot('umount', [filesDir]);
  });

  // Mounting needs root; as another user, passwordless sudo (as CI has), like the fault suite's full disk.
  const asRoot = (cmd: string, args: string[]) =>
    process.getuid?.() === 0 ? execFileSync(cmd, args, { stdio: 'pipe' }) : execFileSync('sudo', ['-n', cmd, ...args], { stdio: 'pipe' });

  /** The files directory on a tmpfs of 256 KB owned by this user, filled to all but a few KB. */
  function fillDisk() {
    asRoot('mount', ['-t', 'tmpfs', '-o', `size=256k,mode=0700,uid=${process.getuid!()},gid=${process.getgid!()}`, 'tmpfs', filesDir]);
    mounted = true;
    writeFileSync(join(filesDir, 'filler'), Buffer.alloc(250 * 1024));
  }

  /** Every file on the full disk but the filler: none may be left, whole, partial or temporary. */
  const leftovers = () =>
    readdirSync(filesDir, { recursive: true })
      .map(String)
      .filter((f) => f !== 'filler' && statSync(join(filesDir, f)).isFile());

  test('an upload gets 507 with a clear message and leaves no partial or temporary file; an approval that cannot store its PDF says so', async () => {
    Object.assign(uploads(), { maxFiles: 40, maxBytes: 60 * 1048576, perHour: 1000 });
    // An application ready for approval, filed while there was room; the officer's credential is made beforehand.
    const citizen = await loginClient(server.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, server.origin, 600);
    const filed = await citizen.request('POST', '/api/applications', { json: { applicant: validApplicant(), documents }, headers: { 'idempotency-key': idempotencyKey() } });
    const ain = filed.body.ain as string;
    const bdo = await loginClient(server.url, 'demo-bdo');
    const eo = await loginClient(server.url, 'demo-eo');
    expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    const report = { version: 2, visitedAt: '2026-11-27T06:00:00+05:30', findings: 'Met the applicant at the house; neighbours agree.', recommendation: 'recommend', locationNote: 'At the house' };
    expect((await eo.request('POST', `/api/applications/${ain}/report`, { json: report, headers: { 'idempotency-key': idempotencyKey() } })).status).toBe(201);

    fillDisk();
    const answer = await upload(citizen, server.origin, { bytes: await bigJpeg(40), name: 'scan.jpg', type: 'image/jpeg' }, 'identity', 'epic');
    expect(answer.status).toBe(507);
    expect(answer.body.error).toMatchObject({ code: 'storage_full', message: expect.stringContaining('out of storage space') });
    expect(leftovers()).toEqual([]);

    const approval = await bdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 3 });
    expect(approval.status).toBe(507);
    expect(approval.body.error.code).toBe('storage_full');
    expect(leftovers()).toEqual([]);
    // Nothing was approved: the application waits, unchanged, for the disk to be freed.
    expect((await bdo.get(`/api/applications/${ain}`)).body).toMatchObject({ status: 'enquiry_reported', version: 3 });
  });
});
