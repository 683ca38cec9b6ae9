// Structured one-line JSON logs through pino (DESIGN §15). Callers pass only non-personal fields: ids, codes,
// counts, timings; never names, mobiles, emails, Aadhaar, addresses, passwords or query parameters (DESIGN §7).
//
// The call sites keep one shape, `log.info('event_name', { fields })`, and pino does the rest: levels, timestamps,
// fast serialisation. A request's lines carry its id because the request has a logger of its own (`child`), which
// the API hands to its handlers with the rest of their dependencies (api/deps.ts, `RouteDeps`): a failed send, an
// unhandled error deep in a service all carry `reqId`, and the access line writes it as its first field
// (api/http/middleware.ts, requestLog), the same line.
//
// Not AsyncLocalStorage, which did this until 7 Dec 2026: on Node 20 it runs promise hooks for every promise the
// process makes once any request has used it, and side by side that cost a tracking lookup 10 % of its CPU (README,
// Speed bars). Node 22's AsyncContextFrame makes it cheap; the explicit logger needs neither.
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
  /** A logger whose every line also carries `fields` (a request's `reqId`), written before the line's own. */
  child(fields: Fields): Logger;
}

/**
 * The id of a request: the one a load balancer or gateway sent in X-Request-Id when it looks like an id (so one
 * request can be followed from HAProxy's log into ours), else a fresh one.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/**
 * `write` receives each line without its newline (tests collect them); by default lines go to stdout. Each line is
 * `{"level":"info","time":"…","reqId":"…",…,"event":"request"}` (pino writes the event last).
 */
export function createLogger(min: LogLevel, write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : stdoutDestination();
  const root = pino({ ...logLineOptions, level: min }, destination);
  return new PinoLogger(() => root);
}

/**
 * A class, so that the methods of the logger every request makes (its child) are not made again each time. A child
 * is made in pino only when it first writes: every request gets a logger carrying its id (requestScope()), and most
 * never use it (their one line, the access line, carries the id itself: requestLog()); pino's child() turns its
 * fields into a string and builds a logger, about 2 µs and 400 bytes of garbage a request in profiles of a tracking run.
 */
class PinoLogger implements Logger {
  #base: pino.Logger | undefined;
  constructor(private readonly make: () => pino.Logger) {}
  debug(event: string, fields?: Fields) {
    this.write('debug', event, fields);
  }
  info(event: string, fields?: Fields) {
    this.write('info', event, fields);
  }
  warn(event: string, fields?: Fields) {
    this.write('warn', event, fields);
  }
  error(event: string, fields?: Fields) {
    this.write('error', event, fields);
  }
  /** pino writes a child's fields into a string once, when it is made, not on every line. */
  child(fields: Fields): Logger {
    return new PinoLogger(() => this.base.child(fields));
  }
  private get base(): pino.Logger {
    return (this.#base ??= this.make());
  }
  private write(level: Level, event: string, fields?: Fields) {
    if (fields) this.base[level](fields, event);
    else this.base[level](event);
  }
}
