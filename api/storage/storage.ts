// Where documents, photos and PDFs live (DESIGN §2): content-addressed by SHA-256, so the same scan uploaded twice
// is stored once and a stored file cannot be swapped silently. Names are chosen here, never by the uploader.
// The local directory is the default; S3-compatible storage (./s3.ts, STORAGE_URL=s3://…) implements the same
// interface, so instances behind a load balancer share the files.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Storage {
  put(bytes: Uint8Array): Promise<string>;
  get(sha256: string): Promise<Buffer | null>;
  /** Every stored digest, in no particular order (backups). */
  list(): AsyncIterable<string>;
}

/** `s3://bucket/some/prefix` → bucket and prefix ("some/prefix/"); anything else is a configuration error. */
export function parseStorageUrl(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`STORAGE_URL must look like s3://bucket or s3://bucket/prefix, not ${url}`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: m[1]!, prefix: prefix ? prefix + '/' : '' };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createLocalStorage(dir: string): Storage {
  const pathOf = (sha: string) => join(dir, sha.slice(0, 2), sha);
  return {
    async put(bytes) {
      const sha = sha256Hex(bytes);
      const path = pathOf(sha);
      // The same bytes are already there (the same scan uploaded twice): nothing to write.
      if (await access(path).then(() => true, () => false)) return sha;
      await mkdir(join(dir, sha.slice(0, 2)), { recursive: true });
      // Write to a unique temp name, then rename: a reader never sees half a file, two uploads of the same bytes
      // at the same moment each rename a whole copy over the other, and a crash leaves only a stray temp file.
      const tmp = `${path}.${randomUUID()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, path);
      return sha;
    },
    async get(sha) {
      if (!/^[0-9a-f]{64}$/.test(sha)) return null;
      try {
        return await readFile(pathOf(sha));
      } catch {
        return null;
      }
    },
    async *list() {
      const shards = await readdir(dir).catch(() => [] as string[]);
      for (const shard of shards) {
        if (!/^[0-9a-f]{2}$/.test(shard)) continue;
        // Temp files of writes in flight (`<sha>.<uuid>.tmp`) are not stored files.
        for (const name of await readdir(join(dir, shard))) if (/^[0-9a-f]{64}$/.test(name)) yield name;
      }
    }
  };
}

/** The storage the configuration names: the local directory, or S3 (the AWS SDK loaded only then). */
export async function openStorage(settings: { kind: 'local'; dir: string } | ({ kind: 's3' } & import('./s3.ts').S3Settings)): Promise<Storage> {
  return settings.kind === 's3' ? (await import('./s3.ts')).createS3Storage(settings) : createLocalStorage(settings.dir);
}
