// A port nobody listens on now, for a server a test starts (HAProxy, PgBouncer, a PostgreSQL cluster, an app
// instance), so two test files, or a benchmark beside them, never collide.
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
