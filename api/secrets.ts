// Development secrets (the Aadhaar key, the local CA, officer credentials, the district seal key) are made on first
// use and kept under DATA_DIR/secrets; production ones are read from configured files. Either way they are read once
// per runtime (SecretCache). Only Node built-ins here, and storage.ts's flushes, which need nothing more:
// certificates/seal.ts, which scripts/verify-qr.ts runs offline, uses this module too.
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeFolderDurably, syncFolder, writeFlushed } from './storage/storage.ts';

/**
 * Reads a secret file, or makes it with `create` and publishes it without ever overwriting: the content is written
 * to a temporary file and hard-linked to its name, which fails if another process got there first (a rename would
 * silently replace the winner's key); the loser then reads the winner's file. Every reader sees one complete file.
 *
 * On disk before it returns, like a stored file (storage.ts, writeFileDurably): the bytes are flushed before the link
 * and the folder after it. What the caller then writes to the database under the key (an Aadhaar number sealed with
 * it, a certificate signed by it) is on disk once committed; a key the kernel had not yet written would be lost by a
 * power cut, and those rows unreadable or unverifiable for good.
 */
export async function readOrCreate(path: string, create: () => string | Buffer): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const content = Buffer.from(create());
  await makeFolderDurably(dirname(path), 0o700);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  // A full disk must not leave half a secret behind (it would be read as the key by no one, but fill the directory).
  await writeFlushed(temp, content, 0o600).catch(async (err: unknown) => {
    await unlink(temp).catch(() => {});
    throw err;
  });
  let ours = true;
  try {
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    ours = false; // another process linked its key first: that one is the key
  } finally {
    await unlink(temp).catch(() => {}); // the name holds the file now; a temporary name left over is only litter
  }
  // Flushed whoever linked it: the winner may not yet have flushed the folder when the loser goes on to use its key.
  await syncFolder(dirname(path));
  return ours ? content : await readFile(path);
}

/**
 * Secrets read once per runtime (issue 16): the composition root makes one cache and hands it to everything in
 * `deps.secrets`, so no key is kept in module state and two runtimes in one process (the tests start many) never
 * share one. A failed load is not kept, so installing a missing credential needs no restart (replacing one that
 * loaded does). Opening a PKCS#12 costs ~50 ms of JavaScript, and verification is public.
 */
export class SecretCache {
  private readonly loaded = new Map<string, Promise<unknown>>();

  get<T>(name: string, load: () => Promise<T>): Promise<T> {
    let promise = this.loaded.get(name) as Promise<T> | undefined;
    if (!promise) {
      promise = load();
      this.loaded.set(name, promise);
      promise.catch(() => this.loaded.delete(name));
    }
    return promise;
  }
}
