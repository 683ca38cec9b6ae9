// The storage interface on S3-compatible object storage (DESIGN §15), so app instances keep nothing on their own
// disks: AWS S3, MinIO, Ceph's RADOS Gateway or any server that speaks the S3 protocol. Selected by
// STORAGE_URL=s3://bucket/optional/prefix; S3_ENDPOINT points at a server other than AWS (path-style addressing,
// which MinIO and Ceph expect). Objects are named as on disk, `<prefix><first two hex>/<sha256>`, so a bucket and
// a DATA_DIR/files directory hold the same tree and `npm run backup` treats both alike.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { NAME, sha256Hex, type Storage } from './storage.ts';

export interface S3Settings {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /**
   * The CA that signed the endpoint's certificate, when it is not a public one (a MinIO in the state data centre,
   * under the centre's own CA). Only this client trusts it: NODE_EXTRA_CA_CERTS would make every connection of the
   * process trust it, the SMS gateways' and the ESP's too.
   */
  caFile?: string;
}

/**
 * The CAs the storage client trusts with S3_CA_FILE: Node's public ones and every certificate in the file (a bundle is
 * fine). Each is parsed here, so a damaged file stops the start: Node would drop a block it cannot read without a word,
 * and the first upload would fail instead. The client no longer reads NODE_EXTRA_CA_CERTS then.
 */
function trustedWith(caFile: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new Error(`S3_CA_FILE: cannot read ${caFile}: ${(err as Error).message}`, { cause: err });
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new Error(`S3_CA_FILE: ${caFile} holds no PEM certificate`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new Error(`S3_CA_FILE: certificate ${i + 1} of ${caFile} cannot be read: ${(err as Error).message}`, { cause: err });
    }
  });
  return [...rootCertificates, ...blocks];
}

export function createS3Storage(s: S3Settings): Storage {
  const client = new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: Boolean(s.endpoint),
    // Without keys the SDK's own chain applies (instance role, AWS_* variables).
    credentials: s.accessKeyId && s.secretAccessKey ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : undefined,
    // The SDK's default CRC32 checksums (since 3.729) are refused or mis-stored by several S3-compatible servers;
    // our keys are SHA-256 digests of the content already, which readers re-check (certificates).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    // Options, not an Agent: the SDK then makes the agent itself, with its keep-alive and socket limit. But a body past
    // 2 MiB is sent with Expect: 100-continue on a fresh agent of the SDK's own (@smithy/node-http-handler), which
    // has none of these options and refused the data centre's certificate (test/integration/object-storage.test.ts,
    // a 3 MB upload); an Agent passed in would instead share its keep-alive sockets with those waiting uploads,
    // which the SDK keeps apart on purpose. So with a CA of our own the header is left off: an upload here is at most
    // a few MB, and waiting for the server's go-ahead would save little.
    ...(s.caFile ? { requestHandler: { httpsAgent: { ca: trustedWith(s.caFile) } }, expectContinueHeader: false } : {})
  });
  const keyOf = (sha: string) => `${s.prefix}${sha.slice(0, 2)}/${sha}`;
  const isMissing = (err: unknown) =>
    err instanceof NoSuchKey || err instanceof NotFound || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

  return {
    async put(bytes, known) {
      const sha = known ?? sha256Hex(bytes);
      const Key = keyOf(sha);
      // The same scan uploaded twice: one HEAD instead of sending the bytes again. A PUT of the same key with the same
      // bytes by two instances at once is harmless: S3 writes whole objects, last writer wins with identical content.
      try {
        await client.send(new HeadObjectCommand({ Bucket: s.bucket, Key }));
        return sha;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
      await client.send(new PutObjectCommand({ Bucket: s.bucket, Key, Body: bytes, ContentType: 'application/octet-stream', ContentLength: bytes.byteLength }));
      return sha;
    },
    async get(sha) {
      if (!/^[0-9a-f]{64}$/.test(sha)) return null;
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: keyOf(sha) }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async remove(sha) {
      // DELETE of an absent key succeeds in S3, as `rm --force` does on disk.
      if (/^[0-9a-f]{64}$/.test(sha)) await client.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: keyOf(sha) }));
    },
    // Named objects (the audit trail's signed checkpoints) sit under `<prefix>named/`, as under DATA_DIR/files/named.
    async putNamed(name, bytes) {
      if (!NAME.test(name)) throw new Error(`not a storage name: ${name}`);
      await client.send(new PutObjectCommand({ Bucket: s.bucket, Key: `${s.prefix}named/${name}`, Body: bytes, ContentLength: bytes.byteLength }));
    },
    async getNamed(name) {
      if (!NAME.test(name)) return null;
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: `${s.prefix}named/${name}` }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async listNamed(prefix) {
      if (!NAME.test(prefix)) return [];
      const base = `${s.prefix}named/`;
      const names: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: `${base}${prefix}/`, Delimiter: '/', ContinuationToken }));
        for (const o of page.Contents ?? []) if (o.Key) names.push(o.Key.slice(base.length));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return names.sort();
    },
    async *list() {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: s.prefix, ContinuationToken }));
        for (const o of page.Contents ?? []) {
          const sha = o.Key?.slice(s.prefix.length).split('/')[1];
          if (sha && /^[0-9a-f]{64}$/.test(sha)) yield sha;
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    }
  };
}
