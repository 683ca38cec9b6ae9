// How long the HTTP server keeps an idle keep-alive connection. When a server closes an idle connection at the moment
// a client sends its next request on it, that request is reset (ECONNRESET) and a POST is not retried: a citizen's
// submission or a gateway's callback fails for nothing. The side that gives up on idle connections first must be the
// client, so the server waits longer than its clients do: HAProxy's and cloud load balancers' 60 s, and Node's fetch
// (undici), which reads the `Keep-Alive: timeout=65` the server then announces and closes a second or two before it.
// Node's own default of 5 s lost that race on a loaded CI machine (test/integration/sms-gateways.test.ts).
import type { Server } from 'node:http';

export const KEEP_ALIVE_MS = 65_000;

export function keepAliveLongerThanClients(server: Server): Server {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Headers of a request on a kept connection must be allowed to arrive after the keep-alive wait, or Node may cut
  // a connection the keep-alive timer still holds open.
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}
