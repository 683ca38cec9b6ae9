// Temporary folders for the tests of a file or a describe, removed in its afterAll.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Call it in a file's or a describe's body; call what it returns (a new folder each time) in a hook or a test, never
 * in a describe's body: a describe that is skipped (on PGlite) still runs its body but never its hooks, so a folder
 * made there was never removed.
 */
export function temporaryFolders(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
