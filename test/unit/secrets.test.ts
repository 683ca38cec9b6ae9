import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readOrCreate } from '../../api/secrets.ts';
import { watchFlushes } from '../support/flushes.ts';

const dir = mkdtempSync(join(tmpdir(), 'orc-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('development secrets (api/secrets.ts)', () => {
  test('a new secret is on the disk before it is used: its folder, its bytes before the link, its name after', async () => {
    const watch = await watchFlushes();
    try {
      const key = await readOrCreate(join(dir, 'secrets', 'aadhaar.key'), () => 'a'.repeat(64));
      expect(key.toString()).toBe('a'.repeat(64));
      // The new folder flushed into its parent, the key's bytes under their temporary name, then the folder its name
      // was linked into.
      const seen = watch.flushes.map((f) => f.replace(dir, '.').replace(/\.\d+\.[0-9a-f]{12}\.tmp$/, '.tmp'));
      expect(seen).toEqual(['sync .', 'data ./secrets/aadhaar.key.tmp', 'sync ./secrets']);
      expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'secrets', 'aadhaar.key')).mode & 0o777).toBe(0o600);
      // Read back, it is not made again: nothing written, nothing flushed.
      watch.flushes.length = 0;
      expect((await readOrCreate(join(dir, 'secrets', 'aadhaar.key'), () => 'b'.repeat(64))).toString()).toBe('a'.repeat(64));
      expect(watch.flushes).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  test('made by many at once, every caller gets the one that was kept, and no temporary file is left', async () => {
    const path = join(dir, 'race', 'seal.pem');
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => readOrCreate(path, () => `key ${i}`)));
    expect(new Set(keys.map(String)).size).toBe(1);
    expect(readdirSync(join(dir, 'race'))).toEqual(['seal.pem']);
  });
});
