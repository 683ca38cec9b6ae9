// The README's shell examples work as typed (issue 12): the block under "Trying the API from a shell" is run, line
// by line, by bash against a fresh development server, with only the host and port changed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function readmeBlock(heading: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(`### ${heading}`));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`no sh block under "${heading}"`);
  return block[1]!;
}

test('the shell examples run as typed, each answered 2xx, in a directory of their own', async () => {
  const script = readmeBlock('Trying the API from a shell');
  const commands = script.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
  expect(commands.length).toBeGreaterThanOrEqual(5);
  const cwd = mkdtempSync(join(tmpdir(), 'orc-readme-'));
  try {
    // set -e with curl -f: any 4xx or 5xx, or a command that is not there, fails the script.
    // Not execFileSync: the server answers from this process's event loop.
    const { stdout: out } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script.replaceAll('http://localhost:3000', server.url)], { cwd, encoding: 'utf8', timeout: 30_000 });
    expect(out).toContain('"status":"ok"'); // readiness
    expect(out).toContain('"role":"bdo"'); // the login's answer
    // curl prints the answers one after another: the USSD main menu and the AIN prompt are the two screens.
    expect(out.match(/CON /g)).toHaveLength(2);
    expect(out).toContain('{"applications":[');
    expect(readFileSync(join(cwd, 'jar.txt'), 'utf8')).toContain('session');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
