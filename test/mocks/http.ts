// A small HTTP(S) server for a gateway double: start on a free port, read form bodies, stop cleanly.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface MockServer {
  url: string;
  /** Stops listening and drops open connections; `start()` again brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>, tls?: { key: string; cert: string }): Promise<MockServer> {
  // Not awaited: node's server does not wait for a handler. A double that throws is itself broken; its rejection
  // stays unhandled on purpose, so vitest reports it and fails the run.
  const serve = (req: IncomingMessage, res: ServerResponse) => void handler(req, res);
  const make = (): Server => (tls ? createHttps(tls, serve) : createHttp(serve));
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    async start() {
      server = make();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    }
  };
}
