// What SvelteKit meets while answering a page goes into the same JSON log as the API's (issue 15 item 6: one line,
// with the request id, for every event). Left to itself SvelteKit prints each error as a coloured, many-line stack
// trace, even a 404 for a scanner's /wp-login.php or a 400 for a malformed URI (/%E0), which a log collector splits
// into lines that mean nothing on their own.
import type { HandleServerError } from '@sveltejs/kit';
import { createLogger, withRequestId, type Level } from '../api/log.ts';

// This module is bundled into build/ apart from server.ts, so it makes its own logger (the same lines, the same
// level: server.ts has already refused a bad LOG_LEVEL) and takes the request id from the header the composition
// root puts on every request it hands to SvelteKit (Runtime.route in server.ts).
const levels: readonly (Level | 'silent')[] = ['debug', 'info', 'warn', 'error', 'silent'];
const log = createLogger(levels.find((l) => l === process.env.LOG_LEVEL) ?? 'info');

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  // The route's pattern, never the URL's query (DESIGN §7); the path only when no route matched, which is what an
  // operator needs to see of a 404, cut short in case it is a scanner's.
  const fields = { method: event.request.method, route: event.route.id, path: event.route.id ? undefined : event.url.pathname.slice(0, 200), status };
  const write = () => {
    // A 4xx is the caller's mistake, not a fault of ours: no stack.
    if (status < 500) return log.info('page_refused', fields);
    const e = error instanceof Error ? error : new Error(String(error));
    log.error('page_error', { ...fields, error: e.message, stack: e.stack?.split('\n').slice(0, 8).join(' | ') });
  };
  const reqId = event.request.headers.get('x-request-id');
  if (reqId) withRequestId(reqId, write);
  else write(); // `vite dev`, where no composition root stands in front
  return { message };
};
