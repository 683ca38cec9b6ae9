// Structured one-line JSON logs through pino (DESIGN §15). Callers pass only non-personal fields: ids, codes,
// counts, timings; never names, mobiles, emails, Aadhaar, addresses, passwords or query parameters (DESIGN §7).
//
// The call sites keep one shape, `log.info('event_name', { fields })`, and pino does the rest: levels, timestamps,
// fast serialisation, and the request id. That id is not passed down through every function: the composition root
// runs each request inside `withRequestId`, and pino's mixin reads it back from AsyncLocalStorage, so every line a
// request causes — the access line, a failed send, an unhandled error deep in a service — carries `reqId`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

const requestContext = new AsyncLocalStorage<{ reqId: string }>();

/**
 * The id of a request: the one a load balancer or gateway sent in X-Request-Id when it looks like an id (so one
 * request can be followed from HAProxy's log into ours), else a fresh one.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/** Runs `fn` (and everything it awaits) as part of the request `reqId`: every log line inside carries it. */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return requestContext.run({ reqId }, fn);
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.reqId;
}

/**
 * Standard output, shared by every logger of the process. A request's access line written to it at once was a
 * write() system call per request, and to a pipe whose reader lagged (journald, a container runtime) pino's
 * synchronous mode retried it in a loop that held the event loop: 200,000 lines took 11.3–12.9 µs of CPU each and
 * 2.6–7.4 s, against 8.3–10.0 µs and 1.5–2.0 s gathered (README, Metrics and logs). Lines are therefore gathered and
 * written 4 KB at a time, off the request path (pino's asynchronous mode), and at least every second, so a quiet
 * server's lines are not held back. A warning or an error is written at once and synchronously, with whatever waits
 * before it (createLogger), so the line of a crash is out before `process.exit`; at exit, pino writes what is left. Only a process killed outright (SIGKILL, the kernel's OOM killer) can lose
 * lines, and then at most the last second's information lines.
 */
let stdout: ReturnType<typeof pino.destination> | null = null;
const standardOutput = () => (stdout ??= pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 }));

/**
 * `write` receives each line without its newline (tests collect them); by default lines go to stdout. Each line is
 * `{"level":"info","time":"…","event":"request","reqId":"…",…}`.
 */
export function createLogger(min: Level | 'silent', write?: (line: string) => void): Logger {
  const buffered = write ? null : standardOutput();
  const destination = buffered ?? { write: (line: string) => write!(line.endsWith('\n') ? line.slice(0, -1) : line) };
  const base = pino(
    {
      level: min,
      base: undefined, // no pid and hostname on every line: the collector labels the instance
      messageKey: 'event',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const store = requestContext.getStore();
        return store ? { reqId: store.reqId } : {};
      }
    },
    destination
  );
  const at = (level: Level) => (event: string, fields?: Fields) => {
    if (fields) base[level](fields, event);
    else base[level](event);
    if (buffered && (level === 'warn' || level === 'error') && base.isLevelEnabled(level)) buffered.flushSync();
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
