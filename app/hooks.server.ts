// What SvelteKit meets while answering a page goes into the same JSON log as the API's (issue 15 item 6: one line,
// with the request id, for every event). Left to itself SvelteKit prints each error as a coloured, many-line stack
// trace, even a 404 for a scanner's /wp-login.php or a 400 for a malformed URI (/%E0), which a log collector splits
// into lines that mean nothing on their own.
import type { HandleServerError } from '@sveltejs/kit';
import pino from 'pino';
import { errorFields, logLevels, logLineOptions, stdoutDestination } from '$shared/log-line.ts';

// The same lines as the API's, at the server's level (server.ts has already refused a bad LOG_LEVEL). The request id
// is the one the composition root puts on every request (Runtime.route in server.ts), read from its header: this
// module is bundled into build/ apart from server.ts, with its own pino.
const log = pino({ ...logLineOptions, level: logLevels.find((l) => l === process.env.LOG_LEVEL) ?? 'info' }, stdoutDestination());

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  // The route's pattern, never the URL's query (DESIGN §7); the path only when no route matched, which is what an
  // operator needs to see of a 404, cut short in case it is a scanner's.
  const reqId = event.request.headers.get('x-request-id') ?? undefined; // none under `vite dev`
  const fields = { reqId, method: event.request.method, route: event.route.id, path: event.route.id ? undefined : event.url.pathname.slice(0, 200), status };
  // A 4xx is the caller's mistake, not a fault of ours: no stack.
  if (status < 500) log.info(fields, 'page_refused');
  else log.error({ ...fields, ...errorFields(error) }, 'page_error');
  return { message };
};
