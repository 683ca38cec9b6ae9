// Where documents, photos and PDFs live (DESIGN §2): content-addressed by SHA-256, so the same scan uploaded twice
// is stored once and a stored file cannot be swapped silently. Names are chosen here, never by the uploader.
// The local directory is the default; S3-compatible storage would implement the same interface.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Storage {
  put(bytes: Uint8Array): Promise<string>;
  get(sha256: string): Promise<Buffer | null>;
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
    }
  };
}
