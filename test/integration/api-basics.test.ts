import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KEEP_ALIVE_MS } from '../../api/http/keep-alive.ts';
import { createLogger } from '../../api/log.ts';
import { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { log: createLogger('info', (line) => logLines.push(line)) });
});
afterAll(() => server.close());

describe('health and the OpenAPI document', () => {
  test('health reports readiness (the database), and liveness apart from it', async () => {
    const res = await new Client(server.url).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'ok', stopping: false });
    expect((await new Client(server.url).get('/api/health/ready')).body).toEqual({ status: 'ok', db: 'ok', stopping: false });
    expect((await new Client(server.url).get('/api/health/live')).body).toEqual({ status: 'ok' });
  });

  test('the OpenAPI document is generated from the request schemas', async () => {
    const res = await new Client(server.url).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    for (const path of ['/api/health', '/api/auth/register', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/auth/password', '/api/users', '/api/offices']) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
    // The register schema's constraints appear in the document, so it cannot drift from what is enforced.
    const schema = res.body.paths['/api/auth/register'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'mobile']));
    expect(schema.properties.name.maxLength).toBe(100);
  });
});

describe('bad requests get a 4xx in the one error shape, never a 500', () => {
  const client = () => new Client(server.url, 'bn');

  test('malformed JSON', async () => {
    const res = await client().request('POST', '/api/auth/login', { body: '{"login": "x", ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    expect(res.body.error.message).toBe('অনুরোধের বিষয়বস্তু সঠিক JSON নয়।');
  });

  test('JSON that is not an object', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const res = await client().request('POST', '/api/auth/register', { body, headers: { 'content-type': 'application/json' } });
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toBe('validation');
    }
  });

  test('wrong field types name the fields', async () => {
    const res = await client().post('/api/auth/register', { name: 42, mobile: ['9830012345'], email: false });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['email', 'mobile', 'name']);
  });

  test('wrong content type', async () => {
    const res = await client().request('POST', '/api/auth/login', {
      body: 'login=x&password=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin }
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  test('oversized body', async () => {
    const res = await client().post('/api/auth/register', { name: 'x'.repeat(600 * 1024), mobile: '9830012345' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('unknown route and unknown method', async () => {
    const missing = await client().get('/api/no/such/thing');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'not_found', message: 'এটি খুঁজে পাওয়া গেল না।' });
    const wrongMethod = await client().request('DELETE', '/api/auth/me', { headers: { origin: server.origin } });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body.error.code).toBe('not_found');
  });

  test('odd path parameters are bad input, not errors', async () => {
    for (const path of ['/api/track/%25', '/api/track/%E0%A4', '/api/track/' + '9'.repeat(500), '/api/documents/not-a-uuid']) {
      const res = await client().get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  test('every JSON route survives hostile bodies', async () => {
    const doc = (await client().get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const posts = Object.entries(doc.paths).filter(([, ops]) => 'post' in ops).map(([p]) => p);
    const bodies = ['', '{', '{}', '[]', 'null', '{"__proto__":{"x":1}}', JSON.stringify({ name: '\u0000', mobile: '\ud800', login: {}, password: [] }), JSON.stringify({ name: 'Ra\u0000ni', mobile: '9830012345', login: 'WB\u0000', password: 'x\u0000y' })];
    for (const path of posts) {
      for (const body of bodies) {
        const res = await client().request('POST', path, { body, headers: { 'content-type': 'application/json' } });
        expect(res.status, `${path} ${body}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${path} ${body}`).toBeLessThan(500);
        if (res.status >= 400) expect(typeof res.body.error.message).toBe('string');
      }
    }
  });
});

describe('headers and logs', () => {
  test('an idle connection is kept longer than a client or load balancer keeps it, so neither sends on one being closed', async () => {
    // Node's default of 5 s reset a POST on a pooled connection of a loaded CI machine (ECONNRESET).
    const header = await new Promise<string | undefined>((resolve, reject) => {
      get(`${server.url}/api/health/live`, { headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        resolve(String(res.headers['keep-alive']));
      }).on('error', reject);
    });
    expect(header).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
    expect(KEEP_ALIVE_MS).toBeGreaterThan(60_000); // HAProxy's and cloud load balancers' idle timeout
  });

  test('security headers are set on API responses, errors included', async () => {
    const missing = await new Client(server.url).get('/api/no-such-route');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    const res = await new Client(server.url).get('/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  test('the public lookup checks its AIN with its OpenAPI schema: too long is a validation error naming the field', async () => {
    // Tracking is served outside app.openapi() for speed (api/applications/track.ts); its answers must not change.
    const res = await new Client(server.url).get('/api/track/' + '9'.repeat(41));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation', fields: { ain: expect.any(String) } });
    const doc = (await new Client(server.url).get('/api/openapi.json')).body;
    expect(doc.paths['/api/track/{ain}'].get.parameters).toEqual([expect.objectContaining({ name: 'ain', in: 'path', required: true })]);
  });

  test('request logs are structured and carry no personal data', async () => {
    const mobile = '9830055501';
    await new Client(server.url).post('/api/auth/register', { name: 'Log Check Person', mobile, email: 'log.check@example.com' });
    await new Client(server.url).post('/api/auth/login', { login: mobile, password: 'wrong-password-1' });
    const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.event === 'request');
    expect(requests.some((l) => l.route === '/api/auth/register' && l.status === 201)).toBe(true);
    const all = logLines.join('\n');
    for (const secret of [mobile, 'Log Check Person', 'log.check@example.com', 'wrong-password-1']) expect(all).not.toContain(secret);
  });
});
