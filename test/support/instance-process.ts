// One app instance in its own process, configured from the environment as in production: the composition root's
// runtime (API, gateways, dispatcher, sweeper) on PORT, without the PWA (the tests that run instances drive the
// API). Prints "ready" once it listens. Used by the load-balancer test to run, and kill, several at once.
import { createServer } from 'node:http';
import { loadConfig } from '../../api/config.ts';
import { keepAliveLongerThanClients } from '../../api/http/keep-alive.ts';
import { createRuntime } from '../../server.ts';

const config = loadConfig();
const runtime = await createRuntime(config);
const http = createServer((req, res) =>
  runtime.route(req, res, () => {
    res.statusCode = 404;
    res.end();
  })
);
keepAliveLongerThanClients(http); // as server.ts does: HAProxy keeps idle connections to it
http.listen(config.port, config.host, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  http.close();
  http.closeAllConnections();
  void runtime.close().then(() => process.exit(0));
});
