// A push service (RFC 8030) over HTTPS with a self-signed certificate: it takes encrypted pushes, checks the VAPID
// authorisation and the aes128gcm encoding, and answers 201. Subscriptions can be made "gone" (410), as when a
// user clears the browser.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, readBody, type MockServer } from './http.ts';

export interface ReceivedPush {
  path: string;
  ttl: string | undefined;
  encoding: string | undefined;
  vapidKey: string | null;
  bytes: number;
}

export interface PushMock extends MockServer {
  pushes: ReceivedPush[];
  gone: Set<string>;
  /** Paths answered 403, as a push service does for a subscription made with another VAPID key. */
  forbidden: Set<string>;
  /** An agent that trusts the mock's certificate, for RuntimeOverrides.pushAgent. */
  agent: Agent;
  endpoint(name: string): string;
}

export async function startPushMock(): Promise<PushMock> {
  const dir = mkdtempSync(join(tmpdir(), 'push-mock-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  const mock = { pushes: [] as ReceivedPush[], gone: new Set<string>(), forbidden: new Set<string>() } as PushMock;
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? '';
    if (mock.gone.has(path)) return void res.writeHead(410).end();
    if (mock.forbidden.has(path)) return void res.writeHead(403).end();
    const auth = req.headers.authorization ?? '';
    const vapid = /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=([\w-]+)$/.exec(auth);
    if (!vapid || req.headers['content-encoding'] !== 'aes128gcm') return void res.writeHead(400).end();
    mock.pushes.push({ path, ttl: req.headers.ttl as string | undefined, encoding: req.headers['content-encoding'], vapidKey: vapid[1] ?? null, bytes: Buffer.byteLength(body) });
    res.writeHead(201, { location: `${path}/m/${mock.pushes.length}` }).end();
  }, tls);
  return Object.assign(mock, server, {
    agent: new Agent({ ca: tls.cert }),
    endpoint: (name: string) => `${server.url}/push/${name}`
  });
}
