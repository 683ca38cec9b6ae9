// Everything a handler needs from the outside world, made once by the composition root (server.ts). Tests build
// their own, with a clock they can move and local gateway servers, instead of monkey-patching modules.
import type { AadhaarKeys } from './applications/aadhaar.ts';
import type { Config } from './config.ts';
import type { Sql } from './db/connect.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { SecretCache } from './secrets.ts';
import type { Mailer, PushSender, SmsSender } from './notify/channels.ts';
import type { Storage } from './storage/storage.ts';

export interface Clock {
  now(): Date;
  /** Only the development clock moves (POST /api/dev/clock), to watch due dates pass without waiting days. */
  advance?(ms: number): void;
}

export const systemClock: Clock = { now: () => new Date() };

/** The system time plus an offset the developer can move forward; never used in production. */
export function developmentClock(): Clock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

export interface Deps {
  config: Config;
  sql: Sql;
  clock: Clock;
  log: Logger;
  sms: SmsSender;
  mail: Mailer;
  push: PushSender;
  storage: Storage;
  aadhaarKeys: AadhaarKeys;
  metrics: Metrics;
  /** Signing credentials, the seal key and trust anchors, each read once by the functions that need them. */
  secrets: SecretCache;
}

/**
 * What a route factory (and the middleware it builds) is given: everything but the logger. A handler takes its
 * dependencies from its request instead, `c.var.deps`, whose logger writes the request's id on every line (api/log.ts);
 * without a logger here, code that would log with no request id does not compile.
 */
export type RouteDeps = Omit<Deps, 'log'>;
