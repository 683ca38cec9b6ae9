import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { createLocalStorage, sha256Hex } from '../../api/storage/storage.ts';

const dir = mkdtempSync(join(tmpdir(), 'orc-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('content-addressed storage', () => {
  test('the same bytes stored many times at once are stored once, and read back intact', async () => {
    const storage = createLocalStorage(dir);
    const bytes = new TextEncoder().encode('a scanned certificate'.repeat(1000));
    const shas = await Promise.all(Array.from({ length: 20 }, () => storage.put(bytes)));
    expect(new Set(shas)).toEqual(new Set([sha256Hex(bytes)]));
    expect((await storage.get(shas[0]!))!.equals(Buffer.from(bytes))).toBe(true);
    expect(readdirSync(join(dir, shas[0]!.slice(0, 2)))).toEqual([shas[0]]); // no temp files left behind
  });

  test('names are only ever SHA-256 digests', async () => {
    const storage = createLocalStorage(dir);
    expect(await storage.get('../../etc/passwd')).toBeNull();
    expect(await storage.get('0'.repeat(64))).toBeNull();
  });

  test('list gives every stored digest once, and no file being written', async () => {
    const own = mkdtempSync(join(tmpdir(), 'orc-storage-list-'));
    const storage = createLocalStorage(own);
    const shas = await Promise.all(['one', 'two', 'three'].map((t) => storage.put(new TextEncoder().encode(t))));
    writeFileSync(join(own, shas[0]!.slice(0, 2), `${shas[0]}.0000.tmp`), 'half');
    const listed: string[] = [];
    for await (const sha of storage.list()) listed.push(sha);
    expect(listed.sort()).toEqual([...shas].sort());
    rmSync(own, { recursive: true, force: true });
  });

  test('a file is on the disk before put answers: its bytes flushed before the rename, its folder after', async () => {
    const own = mkdtempSync(join(tmpdir(), 'orc-storage-sync-'));
    const storage = createLocalStorage(own);
    const bytes = new TextEncoder().encode('a scan that must survive a power cut');
    // The path the file ends at: flushes are told apart by whether it exists yet.
    let final = join(own, sha256Hex(bytes).slice(0, 2), sha256Hex(bytes));
    // Every file handle shares one prototype: the storage's own handles are watched through it.
    const probe = await open(own, 'r');
    const handle = Object.getPrototypeOf(probe) as { datasync(): Promise<void>; sync(): Promise<void> };
    await probe.close();
    const flushes: string[] = [];
    const datasync = vi.spyOn(handle, 'datasync').mockImplementation(async function (this: unknown) {
      flushes.push(existsSync(final) ? 'file flushed after the rename' : 'file');
    });
    const sync = vi.spyOn(handle, 'sync').mockImplementation(async function (this: unknown) {
      flushes.push(existsSync(final) ? 'folder' : 'folder before the rename');
    });
    try {
      await storage.put(bytes);
      // The new fan-out folder is flushed into its parent when made, then the file, then the folder holding it.
      expect(flushes).toEqual(['folder before the rename', 'file', 'folder']);
      flushes.length = 0;
      await storage.put(bytes); // already there: nothing written, nothing to flush
      expect(flushes).toEqual([]);
      final = join(own, 'named', 'checkpoints/2026/one');
      await storage.putNamed('checkpoints/2026/one', bytes);
      // Three folders made (named, checkpoints and 2026), each flushed into its parent, then the file and its folder.
      expect(flushes).toEqual(['folder before the rename', 'folder before the rename', 'folder before the rename', 'file', 'folder']);
    } finally {
      datasync.mockRestore();
      sync.mockRestore();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
