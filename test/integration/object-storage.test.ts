// Files on S3-compatible object storage (DESIGN §15, STORAGE_URL=s3://…), against s3rver, a local server that
// speaks the S3 protocol in place of MinIO, Ceph or AWS: the same contract as the local directory, and two app
// instances with nothing on their own disks sharing every document and certificate.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createS3Storage } from '../../api/storage/s3.ts';
import { parseStorageUrl, sha256Hex } from '../../api/storage/storage.ts';
import { loadConfig } from '../../api/config.ts';
import { startS3Mock, type S3Mock } from '../mocks/s3.ts';
import { authority, issue } from '../support/certificates.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s3: S3Mock;
beforeAll(async () => {
  s3 = await startS3Mock();
});
afterAll(() => s3.stop());

function storageAt(prefix: string) {
  const config = loadConfig(s3.env(prefix));
  if (config.storage.kind !== 's3') throw new Error('expected S3 storage');
  return createS3Storage(config.storage);
}

describe("an endpoint under the data centre's own CA (S3_CA_FILE)", () => {
  let dir: string;
  let secure: S3Mock;
  let ca: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orc-s3-tls-'));
    ca = await authority(dir, 'data-centre-ca');
    secure = await startS3Mock('orc-files', await issue(dir, 'minio', 'data-centre-ca', 'IP:127.0.0.1'));
  });
  afterAll(async () => {
    await secure.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const storageWith = (env: Record<string, string>) => {
    const config = loadConfig({ ...secure.env('tls'), ...env });
    if (config.storage.kind !== 's3') throw new Error('expected S3 storage');
    return createS3Storage(config.storage);
  };

  test('trusted through S3_CA_FILE, files go and come back, a bundle too; without it the certificate is refused', async () => {
    // 3 MB: past 2 MiB the SDK sends Expect: 100-continue on an agent of its own (s3.ts passes options, not an agent).
    const files = [new TextEncoder().encode('a scan over TLS'), randomBytes(3_000_000)];
    const other = await authority(dir, 'another-ca');
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(other, 'utf8') + readFileSync(ca, 'utf8'));
    for (const caFile of [ca, bundle]) {
      const storage = storageWith({ S3_CA_FILE: caFile });
      const shas = await Promise.all(files.map((bytes) => storage.put(bytes)));
      for (const [i, sha] of shas.entries()) expect((await storage.get(sha))!.equals(Buffer.from(files[i]!))).toBe(true);
    }
    const refused = await storageWith({}).get(sha256Hex(files[0]!)).catch((err: unknown) => err as { code?: string });
    expect(refused).toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  test('a CA file that cannot be read, holds no certificate or a damaged one, or has no https endpoint, stops the start by name', () => {
    expect(() => storageWith({ S3_CA_FILE: join(dir, 'missing.pem') })).toThrow(`S3_CA_FILE: cannot read ${join(dir, 'missing.pem')}`);
    expect(() => storageWith({ S3_CA_FILE: join(dir, 'data-centre-ca.key') })).toThrow('holds no PEM certificate');
    const damaged = join(dir, 'damaged.pem');
    writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n' + readFileSync(ca, 'utf8'));
    expect(() => storageWith({ S3_CA_FILE: damaged })).toThrow(`S3_CA_FILE: certificate 1 of ${damaged} cannot be read`);
    expect(() => loadConfig({ ...secure.env('tls'), S3_ENDPOINT: 'http://127.0.0.1:9000', S3_CA_FILE: ca })).toThrow('S3_CA_FILE: only with an https:// S3_ENDPOINT');
    expect(() => loadConfig({ S3_CA_FILE: ca })).toThrow('S3_CA_FILE: only with STORAGE_URL');
  });
});

describe('the storage contract on S3', () => {
  test('the same bytes stored many times at once are stored once, read back intact and listed once', async () => {
    const storage = storageAt('contract');
    const bytes = new TextEncoder().encode('a scanned certificate'.repeat(1000));
    const shas = await Promise.all(Array.from({ length: 10 }, () => storage.put(bytes)));
    expect(new Set(shas)).toEqual(new Set([sha256Hex(bytes)]));
    expect((await storage.get(shas[0]!))!.equals(Buffer.from(bytes))).toBe(true);
    const other = await storage.put(new TextEncoder().encode('another file'));
    const listed: string[] = [];
    for await (const sha of storage.list()) listed.push(sha);
    expect(listed.sort()).toEqual([shas[0]!, other].sort());
  });

  test('names are only ever SHA-256 digests, and a missing object is null', async () => {
    const storage = storageAt('contract');
    expect(await storage.get('../../etc/passwd')).toBeNull();
    expect(await storage.get('0'.repeat(64))).toBeNull();
  });

  test('named objects (the audit checkpoints) and removal (the upload janitor) keep the same contract', async () => {
    const storage = storageAt('named');
    const first = new TextEncoder().encode('{"payload":"checkpoint 1"}');
    await storage.putNamed('audit-checkpoints/00000002.json', new TextEncoder().encode('{"payload":"checkpoint 2"}'));
    await storage.putNamed('audit-checkpoints/00000001.json', first);
    await storage.putNamed('elsewhere/00000003.json', first);
    expect(await storage.listNamed('audit-checkpoints')).toEqual(['audit-checkpoints/00000001.json', 'audit-checkpoints/00000002.json']);
    expect((await storage.getNamed('audit-checkpoints/00000001.json'))!.equals(Buffer.from(first))).toBe(true);
    expect(await storage.getNamed('audit-checkpoints/00000009.json')).toBeNull();
    expect(await storage.getNamed('../audit-checkpoints/00000001.json')).toBeNull();
    await expect(storage.putNamed('../escape', first)).rejects.toThrow(/not a storage name/);

    // Named objects are not stored files: a backup's file list and the janitor never see them.
    const sha = await storage.put(new TextEncoder().encode('an unattached upload'));
    const listed: string[] = [];
    for await (const stored of storage.list()) listed.push(stored);
    expect(listed).toEqual([sha]);
    await storage.remove(sha);
    expect(await storage.get(sha)).toBeNull();
    await storage.remove(sha); // already gone: fine, as rm --force
  });

  test('a prefix keeps deployments apart in one bucket', async () => {
    const a = storageAt('district-a');
    const b = storageAt('district-b');
    const sha = await a.put(new TextEncoder().encode('only in a'));
    expect(await b.get(sha)).toBeNull();
  });

  test('STORAGE_URL is checked at start', () => {
    expect(parseStorageUrl('s3://orc-files/n24pgs/')).toEqual({ bucket: 'orc-files', prefix: 'n24pgs/' });
    expect(parseStorageUrl('s3://orc-files')).toEqual({ bucket: 'orc-files', prefix: '' });
    expect(() => loadConfig({ STORAGE_URL: 'https://orc-files' })).toThrow(/STORAGE_URL/);
    expect(() => parseStorageUrl('s3://Bad_Bucket')).toThrow(/STORAGE_URL/);
  });
});

describe('two instances on one bucket', () => {
  let one: TestServer;
  let two: TestServer;
  beforeAll(async () => {
    one = await startTestServer(s3.env('app'));
    // The second instance has its own, empty DATA_DIR and (on PGlite) its own database: the files alone are shared.
    two = await startTestServer(s3.env('app'));
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  test('documents uploaded to one instance are in the bucket, not on its disk, and the other reads them', async () => {
    const citizen = await loginClient(one.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, one.origin);
    const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(201);
    const preview = await citizen.get(`/api/documents/${documents[0]}/preview`);
    expect(preview.status).toBe(200);

    const dataDir = one.runtime.deps.config.dataDir;
    expect(existsSync(join(dataDir, 'files')) ? readdirSync(join(dataDir, 'files')) : []).toEqual([]);
    const rows = await one.runtime.deps.sql<{ sha256: string }[]>`select sha256 from documents where id in ${one.runtime.deps.sql(documents)}`;
    expect(rows).toHaveLength(documents.length);
    for (const { sha256 } of rows) {
      const bytes = await two.runtime.deps.storage.get(sha256);
      expect(bytes && sha256Hex(bytes)).toBe(sha256);
    }
  });
});
