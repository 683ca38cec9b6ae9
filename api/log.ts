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
import { logLineOptions, stdoutDestination, type LogLevel } from '../shared/log-line.ts';

/** The levels a line is written at. */
export type Level = Exclude<LogLevel, 'silent'>;
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
 * `write` receives each line without its newline (tests collect them); by default lines go to stdout. Each line is
 * `{"level":"info","time":"…","reqId":"…",…,"event":"request"}` (pino writes the event last).
 */
export function createLogger(min: LogLevel, write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : stdoutDestination();
  const base = pino(
    {
      ...logLineOptions,
      level: min,
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
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
