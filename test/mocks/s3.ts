// A local server that speaks the S3 protocol (s3rver: signatures, buckets, objects, listing, on a temp directory).
// It stands in for AWS S3, MinIO or Ceph's RADOS Gateway; the app cannot tell them apart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no type declarations; the three calls used here are typed below.
import S3rverModule from 's3rver';

interface S3rver {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
const S3rver = S3rverModule as new (options: Record<string, unknown>) => S3rver;

export interface S3Mock {
  /** S3_ENDPOINT for the app. */
  endpoint: string;
  bucket: string;
  /** The environment that points an app instance at this bucket (under `prefix`). */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

// s3rver's fixed credentials; it checks the signatures made with them.
const ACCESS_KEY = 'S3RVER';

/** `tls`: served over HTTPS with this certificate (files), as a MinIO under a data centre's own CA. */
export async function startS3Mock(bucket = 'orc-files', tls?: { cert: string; key: string }): Promise<S3Mock> {
  const directory = mkdtempSync(join(tmpdir(), 'orc-s3-'));
  const https = tls ? { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {};
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }], ...https });
  const { port } = await server.run();
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: (prefix = '') => ({ STORAGE_URL: `s3://${bucket}${prefix ? '/' + prefix : ''}`, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: ACCESS_KEY, S3_SECRET_ACCESS_KEY: ACCESS_KEY }),
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    }
  };
}
