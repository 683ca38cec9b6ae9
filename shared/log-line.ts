// The shape of every log line (DESIGN §15): `{"level":"info","time":"…","reqId":"…",…,"event":"…"}`. Two loggers
// write them, the API's (api/log.ts) and the pages' (app/hooks.server.ts), and app/ may not import api/
// (test/unit/layout.test.ts), so the settings live here. Server code only: no browser code imports this file.
import pino from 'pino';

/** LOG_LEVEL's values, least to most severe; 'silent' writes nothing (tests). */
export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const logLineOptions = {
  base: undefined, // no pid and hostname on every line: the collector labels the instance
  messageKey: 'event',
  timestamp: isoTimeOfThisMillisecond,
  formatters: { level: (label: string) => ({ level: label }) }
} satisfies pino.LoggerOptions;

let lastMs = -1;
let lastTime = '';

/**
 * pino's isoTime (`,"time":"2026-12-08T01:02:03.456Z"`), made once a millisecond: a busy server writes several lines in
 * each, and formatting the date was 1.7 of the 7 µs pino spent on an access line in a CPU profile of a tracking run.
 */
export function isoTimeOfThisMillisecond(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

const STDOUT = Symbol.for('orc.log.stdout');

/**
 * Standard output, written in batches: lines gather in memory and go out in one write once there are 4,096 characters
 * of them (about 4 KB, some twenty access lines) or a fifth of a second has passed, and at once when the process exits,
 * also by process.exit() (server.ts's crash handler, its shutdown). A write per line was one system call per request, about a
 * twentieth of a public lookup's CPU on these machines (test/bench/log-lines.ts). The writes stay synchronous: pino's
 * asynchronous mode hands each write to libuv's thread pool, which on two cores cost the lookup more than it saved
 * (measured 4 Dec 2026). A process ended by a signal it does not handle (SIGKILL, the out-of-memory killer, SIGHUP;
 * server.ts handles SIGTERM and SIGINT) loses the lines of its last fifth of a second.
 *
 * The batch is kept here, as a list of lines, rather than by sonic-boom's own `minLength`: sonic-boom 4 and 5 append
 * each line to one growing string and measure that string's bytes on every write, which makes V8 copy the whole batch
 * into a flat string once per line (2.4 KB of garbage an access line, on average). sonic-boom still does the writing,
 * with its retries when standard output is a full pipe.
 *
 * One per process, shared by the API's logger (api/log.ts) and the pages' (app/hooks.server.ts), so their lines keep
 * their order. It is kept on globalThis, not in this module: the pages' hook is bundled into build/ with its own copy
 * of this file, and a second buffer would hold its lines back up to 200 ms behind the API's.
 */
export function stdoutDestination(): pino.DestinationStream {
  const shared = globalThis as { [STDOUT]?: pino.DestinationStream };
  if (!shared[STDOUT]) {
    const batch = new LineBatch(pino.destination({ dest: 1, sync: true }), 4096);
    setInterval(() => batch.flush(), 200).unref();
    process.once('exit', () => batch.flushSync());
    shared[STDOUT] = batch;
  }
  return shared[STDOUT];
}

/** Lines held until there are `minChars` characters of them, then handed to `out` as one string. */
export class LineBatch implements pino.DestinationStream {
  #lines: string[] = [];
  #chars = 0;
  constructor(
    private readonly out: { write(text: string): unknown; flushSync(): void },
    private readonly minChars: number
  ) {}

  write(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= this.minChars) this.flush();
  }

  /** `done`: as pino's logger.flush(cb) calls it. The write is synchronous, so it is done on return. */
  flush(done?: (err?: Error) => void): void {
    if (this.#lines.length > 0) {
      const text = this.#lines.length === 1 ? this.#lines[0]! : this.#lines.join('');
      this.#lines = [];
      this.#chars = 0;
      this.out.write(text);
    }
    done?.();
  }

  flushSync(): void {
    this.flush();
    this.out.flushSync();
  }
}

/**
 * An error as fields of one line: its message, and the top of its stack with ' | ' for the line breaks. A thrown
 * value that is not an Error has no stack of its own, and gets none (one made here would point at this function).
 */
export function errorFields(err: unknown): { error: string; stack: string | undefined } {
  if (!(err instanceof Error)) return { error: String(err), stack: undefined };
  return { error: err.message, stack: err.stack?.split('\n').slice(0, 8).join(' | ') };
}
