// The client's address behind a real reverse proxy (TRUST_PROXY, README "Configuration"): Debian's HAProxy with
// `option forwardfor` in front of the app, as a deployment would run it. HAProxy adds a header of its own after any
// X-Forwarded-For the caller sent, so a caller who writes a new address into it on every request must still be
// counted as the one address HAProxy saw: here, against the registration limit per address.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../support/client.ts';
import { startHaProxy, type HaProxy } from '../support/haproxy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { freePort } from '../support/ports.ts';

describe('behind HAProxy (option forwardfor)', () => {
  let server: TestServer;
  let proxy: HaProxy;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '1', REGISTRATIONS_PER_ADDRESS_PER_HOUR: '3' });
    proxy = await startHaProxy(await freePort(), [{ name: 'app', port: Number(new URL(server.url).port) }]);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.close();
  });

  test('an address the caller sends in X-Forwarded-For is not the one counted: the limit per address holds', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await new Client(proxy.url).post('/api/auth/register', { name: 'Rina Das', mobile: `98300${64000 + i}` }, { 'x-forwarded-for': `198.51.100.${i + 1}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  test('and with no header of the caller, the address HAProxy saw is the one counted', async () => {
    // The same connection address as above (127.0.0.1), so its three are already used.
    const res = await new Client(proxy.url).post('/api/auth/register', { name: 'Rina Das', mobile: '9830064100' });
    expect(res.status).toBe(429);
  });
});
