// The process as an operator runs it: `npm start`'s server entry, stopped with SIGTERM as systemd or Kubernetes do.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the server starts on the embedded database, serves the PWA, /api and /sms on one port, and exits within 5 s of SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orc-process-'));
  const port = Number(process.env.E2E_PORT ?? 4173) + 7;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => output, { timeout: 60_000 }).toContain('"event":"listening"');
    expect(output).toContain('demo-admin');
    const base = `http://localhost:${port}`;
    expect((await fetch(base + '/api/health')).status).toBe(200);
    expect((await fetch(base + '/')).headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(base + '/sms/nothing-here')).status).toBe(404);

    const started = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(0);
    expect(output).toContain('"event":"stopping"');
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
