// An error nothing catches is logged as one JSON line and ends the process with a non-zero code (issue 11 item 1),
// and the systemd unit in deploy/ restarts any exit (Restart=always). A page SvelteKit refuses is one JSON line too.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { productionNodeFlags } from '../support/node-flags.ts';
import { createTestDatabase } from '../support/server.ts';
import { sleep, startServerProcess } from './support.ts';

test('an uncaught error is logged and exits non-zero', async () => {
  const db = await createTestDatabase();
  const server = await startServerProcess({ LOG_LEVEL: 'error', DATABASE_URL: db.url }, { preload: './test/faults/throw-on-signal.ts' });
  try {
    server.child.kill('SIGUSR2');
    const { code } = await server.exited;
    expect(code).toBe(70);
    const line = server.output().split('\n').find((l) => l.includes('"uncaught_exception"'));
    expect(JSON.parse(line!)).toMatchObject({ level: 'error', event: 'uncaught_exception', error: 'deliberate uncaught error for the crash test' });
  } finally {
    server.child.kill('SIGKILL');
    await db.drop();
  }
});

test('deploy/ ships a systemd unit that always restarts the service and stops it with SIGTERM', () => {
  const unit = readFileSync('deploy/edistrict-orc.service', 'utf8');
  const settings = new Map(unit.split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  expect(settings.get('Restart')).toBe('always');
  // The server as `npm start` runs it, V8's flags included (package.json).
  expect(settings.get('ExecStart')).toBe(['/usr/bin/node', ...productionNodeFlags(), '--import', 'tsx', 'server.ts'].join(' '));
  expect(settings.get('KillSignal')).toBe('SIGTERM');
  expect(Number(settings.get('TimeoutStopSec'))).toBeGreaterThan(10); // longer than the 10 s drain
  expect(settings.get('UMask')).toBe('0077');
  // systemd's own parser, where installed: it reports every setting it cannot read.
  if (existsSync('/usr/bin/systemd-analyze')) {
    const verify = spawnSync('systemd-analyze', ['verify', 'deploy/edistrict-orc.service'], { encoding: 'utf8' });
    expect(verify.stderr + verify.stdout).toBe('');
  }
});

test('a page SvelteKit refuses is one JSON line with the request id, not a stack trace', async () => {
  const server = await startServerProcess({ LOG_LEVEL: 'info' });
  try {
    const malformed = await fetch(server.url + '/%E0', { headers: { 'X-Request-Id': 'malformed-uri-1' } });
    expect(malformed.status).toBe(400);
    const unknown = await fetch(server.url + '/wp-login.php?user=x', { headers: { 'X-Request-Id': 'unknown-page-1' } });
    expect(unknown.status).toBe(404);
    // The lines are written before the answer, but the pipe may still hold them.
    for (let i = 0; i < 100 && (server.output().match(/"page_refused"/g) ?? []).length < 2; i++) await sleep(50);
    const lines = server.output().split('\n');
    // SvelteKit's own report was a coloured "[400] GET /%E0" and a stack trace, a line for each frame.
    expect(lines.filter((l) => /^\s+at |Failed to decode|\[40[04]\]/.test(l))).toEqual([]);
    // Development mode also prints the demo accounts for the person at the terminal; every other line is JSON.
    const events = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'page_refused')).toEqual([
      { level: 'info', time: expect.any(String), reqId: 'malformed-uri-1', event: 'page_refused', method: 'GET', route: null, path: '/%E0', status: 400 },
      { level: 'info', time: expect.any(String), reqId: 'unknown-page-1', event: 'page_refused', method: 'GET', route: null, path: '/wp-login.php', status: 404 }
    ]);
  } finally {
    server.child.kill('SIGKILL');
  }
});
