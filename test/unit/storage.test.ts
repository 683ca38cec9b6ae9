import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
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
});
