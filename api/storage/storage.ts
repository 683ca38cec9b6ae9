// Where documents, photos and PDFs live (DESIGN §2): content-addressed by SHA-256, so the same scan uploaded twice
// is stored once and a stored file cannot be swapped silently. Names are chosen here, never by the uploader.
// The local directory is the default; S3-compatible storage (./s3.ts, STORAGE_URL=s3://…) implements the same
// interface, so instances behind a load balancer share the files.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface Storage {
  /**
   * Stores the bytes under their SHA-256 and returns it. `sha256` is the caller's own `sha256Hex(bytes)` when it
   * already has it (an upload's digest is also its row's), so a 500 KB scan is hashed once, not twice.
   */
  put(bytes: Uint8Array, sha256?: string): Promise<string>;
  /** Null when no file has that digest; a file there that cannot be read rejects (never passed off as absent). */
  get(sha256: string): Promise<Buffer | null>;
  /** Removes a file no row refers to any more (the janitor's unattached uploads); absent is fine. */
  remove(sha256: string): Promise<void>;
  /** Named objects outside the content-addressed files, e.g. the audit trail's signed checkpoints. */
  putNamed(name: string, bytes: Uint8Array): Promise<void>;
  getNamed(name: string): Promise<Buffer | null>;
  listNamed(prefix: string): Promise<string[]>;
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

/** The disk (or the quota) is full: the request is answered 507 and nothing of it is left behind. */
export class StorageFullError extends Error {
  constructor(cause: unknown) {
    super('storage full', { cause });
  }
}

export function isDiskFull(err: unknown): boolean {
  if (err instanceof StorageFullError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Writes through a unique temporary name and renames it into place, making its folder first if need be; on any
 * failure the temporary file goes.
 *
 * On disk before it returns: the bytes are flushed before the rename and the folder after it (and a folder made for
 * it into its parent). The caller then commits a row that refers to the file, and PostgreSQL's commit is on disk when
 * it answers; without the flushes ext4 or XFS may write a new file's blocks up to half a minute later, and a power cut
 * in between leaves an acknowledged application pointing at an empty or missing scan. A killed process loses nothing
 * either way (the kernel holds the pages); a lost machine does. In the submission benchmark the flushes moved nothing
 * beyond the noise (README, Speed bars, 5 Dec 2026). Also used for the audit trail's local checkpoints and backups.
 */
export async function writeFileDurably(path: string, bytes: Uint8Array, modes: { file?: number; folder?: number } = {}): Promise<void> {
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    await makeFolderDurably(dirname(path), modes.folder);
    await writeFlushed(tmp, bytes, modes.file);
    await rename(tmp, path);
    await syncFolder(dirname(path));
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw isDiskFull(err) ? new StorageFullError(err) : err;
  }
}

/**
 * A new file (never an existing one: 'wx'), its bytes flushed to the disk before it returns. Its name is not yet
 * durable: the caller renames or links it into place and flushes that folder (writeFileDurably, secrets.ts).
 */
export async function writeFlushed(path: string, bytes: Uint8Array, mode = 0o666): Promise<void> {
  const file = await open(path, 'wx', mode);
  try {
    await file.writeFile(bytes);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** A folder's entries (a file renamed into it, a folder made in it) flushed to the disk. */
export async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * `mkdir -p`, with each folder it makes flushed into its parent, for the same reason as writeFileDurably's flushes.
 * A folder another call has just made is taken as it is: that call flushes it.
 */
export async function makeFolderDurably(path: string, mode = 0o777): Promise<void> {
  const first = await mkdir(path, { recursive: true, mode }); // the top folder made, or undefined if all were there
  if (first === undefined) return;
  for (let parent = dirname(path); ; parent = dirname(parent)) {
    await syncFolder(parent);
    if (parent === dirname(first) || parent === dirname(parent)) break;
  }
}

/**
 * Names of named objects: lower-case path segments, none of them `.` or `..`, so a name cannot leave its folder. A
 * restore takes names from a backup's manifest: `audit-checkpoints/../../x` passed the check before 6 Dec 2026.
 */
export const NAME = /^[a-z0-9-]+(\/(?!\.\.?(?:\/|$))[a-z0-9.-]+)*$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A file that is not there is null; any other failure to read one (EIO, EACCES, a folder in its place) is thrown: as
 * null, a download answered 404 for a damaged disk, and a backup left the file out without a word.
 */
function absentAsNull(err: unknown): null {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw err;
}

export function createLocalStorage(dir: string): Storage {
  const pathOf = (sha: string) => join(dir, sha.slice(0, 2), sha);
  return {
    async put(bytes, known) {
      const sha = known ?? sha256Hex(bytes);
      const path = pathOf(sha);
      // The same bytes are already there (the same scan uploaded twice): nothing to write.
      if (await access(path).then(() => true, () => false)) {
        // They were flushed before they were renamed into view; their name in the folder may not be yet, if the call
        // that wrote it is still between the rename and the folder's flush (a preview made twice at once takes no
        // lock). Flushing the folder again is cheap, and then the caller's row never outlives the file it names.
        await syncFolder(dirname(path));
        return sha;
      }
      // Two uploads of the same bytes at the same moment each rename a whole copy over the other.
      await writeFileDurably(path, bytes);
      return sha;
    },
    async get(sha) {
      if (!/^[0-9a-f]{64}$/.test(sha)) return null;
      return readFile(pathOf(sha)).catch(absentAsNull);
    },
    async remove(sha) {
      if (/^[0-9a-f]{64}$/.test(sha)) await rm(pathOf(sha), { force: true });
    },
    async putNamed(name, bytes) {
      if (!NAME.test(name)) throw new Error(`not a storage name: ${name}`);
      const path = join(dir, 'named', name);
      await writeFileDurably(path, bytes);
    },
    async getNamed(name) {
      if (!NAME.test(name)) return null;
      return readFile(join(dir, 'named', name)).catch(absentAsNull);
    },
    async listNamed(prefix) {
      if (!NAME.test(prefix)) return [];
      const names = await readdir(join(dir, 'named', prefix)).catch(() => [] as string[]);
      return names.filter((n) => !n.endsWith('.tmp')).sort().map((n) => `${prefix}/${n}`);
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
