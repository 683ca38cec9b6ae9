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
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) }
} satisfies pino.LoggerOptions;

/**
 * An error as fields of one line: its message, and the top of its stack with ' | ' for the line breaks. A thrown
 * value that is not an Error has no stack of its own, and gets none (one made here would point at this function).
 */
export function errorFields(err: unknown): { error: string; stack: string | undefined } {
  if (!(err instanceof Error)) return { error: String(err), stack: undefined };
  return { error: err.message, stack: err.stack?.split('\n').slice(0, 8).join(' | ') };
}
