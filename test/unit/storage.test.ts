import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { createLocalStorage, sha256Hex } from '../../api/storage/storage.ts';
import { fileHandlePrototype, watchFlushes } from '../support/flushes.ts';

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

  test('a file that is not there reads as null; one that cannot be read is an error, not passed off as absent', async () => {
    const own = mkdtempSync(join(tmpdir(), 'orc-storage-unreadable-'));
    const storage = createLocalStorage(own);
    const sha = sha256Hex(new TextEncoder().encode('a scan on a failing disk'));
    expect(await storage.get(sha)).toBeNull();
    expect(await storage.getNamed('audit-checkpoints/00000001.json')).toBeNull();
    // A folder where the file should be stands for any read error (EIO, EACCES: not to be had as root in a test).
    mkdirSync(join(own, sha.slice(0, 2), sha), { recursive: true });
    mkdirSync(join(own, 'named', 'audit-checkpoints', '00000001.json'), { recursive: true });
    await expect(storage.get(sha)).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(storage.getNamed('audit-checkpoints/00000001.json')).rejects.toMatchObject({ code: 'EISDIR' });
    rmSync(own, { recursive: true, force: true });
  });

  test('a named object stays in its folder: no segment may be . or ..', async () => {
    const own = mkdtempSync(join(tmpdir(), 'orc-storage-names-'));
    const storage = createLocalStorage(own);
    for (const name of ['audit-checkpoints/../../escaped', 'audit-checkpoints/..', 'a/./b']) {
      await expect(storage.putNamed(name, new Uint8Array([1]))).rejects.toThrow(/not a storage name/);
      expect(await storage.getNamed(name)).toBeNull();
    }
    await storage.putNamed('audit-checkpoints/00000001.json', new Uint8Array([1]));
    expect(await storage.listNamed('audit-checkpoints')).toEqual(['audit-checkpoints/00000001.json']);
    expect(existsSync(join(own, '..', 'escaped'))).toBe(false);
    rmSync(own, { recursive: true, force: true });
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
    const sha = sha256Hex(bytes);
    const fanOut = sha.slice(0, 2);
    const watch = await watchFlushes();
    // The flushes since the last look, each with its path relative to the storage's folder.
    const seen = () => watch.flushes.splice(0).map((f) => f.replace(own + '/', '').replace(own, '.'));
    try {
      await storage.put(bytes);
      // The new fan-out folder flushed into its parent, the file's bytes under their temporary name, then the folder
      // the file was renamed into.
      expect(seen()).toEqual(['sync .', `data ${fanOut}/${sha}.random.tmp`, `sync ${fanOut}`]);
      expect(existsSync(join(own, fanOut, sha))).toBe(true);
      await storage.put(bytes); // already there: nothing written, but its folder flushed once more
      expect(seen()).toEqual([`sync ${fanOut}`]);
      await storage.putNamed('checkpoints/2026/one', bytes);
      // Three folders made (named, checkpoints and 2026), each flushed into its parent, then the file and its folder.
      expect(seen()).toEqual(['sync named/checkpoints', 'sync named', 'sync .', 'data named/checkpoints/2026/one.random.tmp', 'sync named/checkpoints/2026']);
    } finally {
      watch.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('a file whose flush fails is not renamed into place, and leaves no temporary file', async () => {
    const own = mkdtempSync(join(tmpdir(), 'orc-storage-fail-'));
    const storage = createLocalStorage(own);
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync').mockRejectedValue(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    try {
      const bytes = new TextEncoder().encode('a scan on a failing disk');
      await expect(storage.put(bytes)).rejects.toThrow('EIO');
      expect(readdirSync(join(own, sha256Hex(bytes).slice(0, 2)))).toEqual([]);
    } finally {
      datasync.mockRestore();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
