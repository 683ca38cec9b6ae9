// Our own HAProxy (Debian's package; its service is not used) on a private port, balancing round-robin over app
// instances with a health check on /api/health every 300 ms (down after three failures). A connection refused by a dead instance is retried on
// another (`retry-on conn-failure`, `option redispatch`): the request never reached the dead one, so that is safe
// even for a POST. Nothing else is retried by HAProxy: a request the instance took and died on (no answer, HAProxy's
// `empty-response`) may have been carried out, and only the client knows whether sending it again is safe (a
// submission's Idempotency-Key, an action's version); it gets 502 and decides, as the phone does in the test. Each
// answer says which server gave it (X-Served-By), so tests can see the alternation.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HaProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startHaProxy(port: number, servers: { name: string; port: number }[]): Promise<HaProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout check 5s',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure',
      // As a deployment must: the address HAProxy saw goes to the app in X-Forwarded-For, after any the caller sent,
      // and the app (TRUST_PROXY=1) takes the last entry.
      '  option forwardfor',
      'frontend public',
      `  bind 127.0.0.1:${port}`,
      '  default_backend app',
      'backend app',
      '  balance roundrobin',
      // HTTP/1.1 with a Host header: the app builds each request's URL from it.
      '  option httpchk',
      '  http-check send meth GET uri /api/health ver HTTP/1.1 hdr host localhost',
      '  http-check expect status 200',
      '  http-response set-header X-Served-By %s',
      ...servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check inter 300 fall 3 rise 2`)
    ].join('\n') + '\n'
  );
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i === 100) throw new Error(`HAProxy did not start: ${stderr}`);
    const ok = await fetch(url + '/api/health').then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
