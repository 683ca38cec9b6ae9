import { getConnInfo } from '@hono/node-server/conninfo';
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { csrf } from 'hono/csrf';
import { pickLanguage } from '../../i18n/index.ts';
import { SESSION_COOKIE, validateSessionToken } from '../auth/session.ts';
import { can, type Permission } from '../authz.ts';
import type { Deps } from '../deps.ts';
import { requestIdFrom } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { ApiEnv } from './env.ts';
import { ApiError } from './errors.ts';

type Mw = MiddlewareHandler<ApiEnv>;

/**
 * Several middleware as one layer of Hono's chain, run in the given order: each calls the next through its `next`,
 * and the last one's `next` is the chain's. An error one of them throws goes up through the steps before it, as
 * through the layers of the chain (requestLog() answers those after it); a layer of its own would only have cost the
 * request another async dispatch (api/app.ts).
 */
export function inOrder(...steps: Mw[]): Mw {
  const run = (c: Parameters<Mw>[0], next: () => Promise<void>, i: number): Promise<void> =>
    i === steps.length ? next() : (steps[i]!(c, () => run(c, next, i + 1)) as Promise<void>);
  return (c, next) => run(c, next, 0);
}

/**
 * The request's own dependencies, `c.var.deps`: the app's, with a logger whose every line carries the request's id
 * (the X-Request-Id server.ts has settled on, or a fresh one under app.request()). The first step of every request.
 */
export function requestScope(deps: Deps): Mw {
  return (c, next) => {
    const reqId = requestIdFrom(requestHeader(c, 'x-request-id'));
    c.set('reqId', reqId);
    c.set('deps', { ...deps, log: deps.log.child({ reqId }) });
    return next();
  };
}

/**
 * One log line per request (no query string, no body, no address, so no personal data; the request's id, which
 * requestScope() settled, first, as the request's own logger would write it), and its time in the latency histogram
 * by route pattern. An error thrown after it in the same layer of Hono's chain reaches it before Hono's error handler
 * would, so it answers the error itself with `answer` (the app's error handler) and logs the status the client gets;
 * errors of later layers arrive already answered. The line goes through the app's logger with the id as a field, the
 * same line the request's logger would write, so that a request that logs nothing else never makes its own logger.
 */
export function requestLog(deps: Pick<Deps, 'log'> & { metrics?: Pick<Metrics, 'httpDuration'> }, answer: (err: Error, c: Context<ApiEnv>) => Response | Promise<Response>): Mw {
  const { log, metrics } = deps;
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      // As Hono's chain does with an error it answers. Should `answer` itself throw, Hono's handler answers that.
      c.error = err;
      c.res = await answer(err, c);
    }
    const ms = performance.now() - started;
    const route = c.req.routePath; // the pattern ("/api/track/:ain"), never the values in it
    metrics?.httpDuration.observe({ method: c.req.method, route, status: c.res.status }, ms / 1000);
    log.info('request', { reqId: c.get('reqId'), method: c.req.method, route, status: c.res.status, ms: Math.round(ms * 10) / 10, user: c.get('auth')?.user.id });
  };
}

/**
 * Sets a response header on the Node response itself when there is one (a real HTTP request through
 * @hono/node-server), else through Hono (app.request() in unit tests). Hono's c.header() builds a fetch Headers
 * object for the response and @hono/node-server then copies it back into a plain one: for a public lookup that
 * answers in a fraction of a millisecond those two copies were a tenth of its CPU (test/bench/track.ts). A header the
 * handler sets later with c.header() still wins: Node merges writeHead's headers over setHeader's.
 */
export function setResponseHeader(c: Context<ApiEnv>, name: string, value: string): void {
  const outgoing = c.env?.outgoing;
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}

/**
 * A request header, read from the Node request itself when there is one, else through Hono (app.request() in unit
 * tests). c.req.header() asks the fetch Request for its Headers, which @hono/node-server builds on first use by
 * copying every header of the Node request into an undici Headers object: a public lookup paid that copy (about a
 * twentieth of its CPU, test/bench/track.ts) only to learn that it sent no Accept-Language and no cookie. Node has
 * already lower-cased the names and joined repeated headers.
 */
export function requestHeader(c: Context<ApiEnv>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The API's security headers, set before the handler runs so that every answer, errors included, carries them. */
export function securityHeaders(https: boolean): Mw {
  const headers: Record<string, string> = {
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {})
  };
  return (c, next) => {
    for (const name in headers) setResponseHeader(c, name, headers[name]!);
    return next();
  };
}

export function language(deps: Pick<Deps, 'config'>): Mw {
  return (c, next) => {
    c.set('lang', pickLanguage(requestHeader(c, 'accept-language'), deps.config.defaultLang));
    return next();
  };
}

/**
 * Browsers send form and text/plain POSTs across sites without a preflight. Hono's csrf() refuses those unless they
 * come from our own origin; this wrapper turns its bare 403 into our error shape.
 */
export function crossSiteGuard(origin: string): Mw {
  const guard = csrf({ origin });
  return async (c, next) => {
    // csrf() lets every GET, HEAD and OPTIONS through; saying so here spares a public lookup its three promises.
    if (isSafeMethod(c.req.method)) return next();
    let passed = false;
    try {
      await guard(c, async () => {
        passed = true;
      });
    } catch {
      // guard threw before calling next: a cross-site request
    }
    if (!passed) throw new ApiError(403, 'cross_site');
    await next();
  };
}

export const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/** Bodies of JSON routes must say they are JSON; uploads are multipart and opt out by path. */
export function jsonBodies(except: (path: string) => boolean = () => false): Mw {
  return (c, next) => {
    if (isSafeMethod(c.req.method)) return next();
    const hasBody = c.req.header('content-length') !== undefined ? c.req.header('content-length') !== '0' : c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (hasBody && !except(c.req.path) && type !== 'application/json') throw new ApiError(415, 'unsupported_media_type');
    return next();
  };
}

export function loadSession(deps: Pick<Deps, 'sql' | 'clock' | 'config'>): Mw {
  const withToken = async (c: Context<ApiEnv>, next: () => Promise<void>, token: string) => {
    const auth = await validateSessionToken(deps, token);
    if (!auth) deleteCookie(c, SESSION_COOKIE, { path: '/' });
    c.set('auth', auth);
    await next();
  };
  return (c, next) => {
    const cookies = requestHeader(c, 'cookie');
    const token = cookies ? parseCookies(cookies, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
    if (token) return withToken(c, next, token);
    // Most public requests carry no session: no async step of their own.
    c.set('auth', null);
    return next();
  };
}

/** The logged-in user; until a one-time password has been replaced, only the password route lets them through. */
export function currentUser(c: Context<ApiEnv>, opts: { allowPendingPasswordChange?: boolean } = {}) {
  const auth = c.get('auth');
  if (!auth) throw new ApiError(401, 'unauthenticated');
  if (auth.user.mustChangePassword && !opts.allowPendingPasswordChange) throw new ApiError(403, 'password_change_required');
  return auth;
}

export function requirePermission(permission: Permission): Mw {
  return async (c, next) => {
    const { user } = currentUser(c);
    if (!can(user, permission)) throw new ApiError(403, 'forbidden');
    await next();
  };
}

/**
 * The caller's address for throttling. Behind reverse proxies (TRUST_PROXY: how many X-Forwarded-For entries they
 * add), each appends the address it saw, so the caller is the entry that many places from the right: the leftmost
 * entries are whatever the caller sent, and taking the first let anyone pass every per-address limit (logins,
 * registrations, recovery, tracking) by sending a new one with each request. Repeated X-Forwarded-For headers
 * count as one list, in order (HAProxy's `option forwardfor` adds a header of its own after the caller's). An entry
 * that is not an address (a port some balancers add is dropped first) counts as the connection's own address. The
 * instance's port must be reachable only from the proxy (README, Configuration): a caller who reaches it directly
 * writes every entry.
 */
export function clientAddress(c: Context<ApiEnv>, trustedProxies: number): string {
  if (trustedProxies > 0) {
    const entries = (requestHeader(c, 'x-forwarded-for') ?? '').split(',');
    // Fewer entries than proxies: the request came past some of them; the farthest entry is still the best known.
    const address = withoutPort(entries[Math.max(0, entries.length - trustedProxies)]!.trim());
    if (isIP(address)) return address;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in unit tests has no socket
  }
}

/**
 * What a per-address limit counts the caller as: its IPv4 address, or its IPv6 address's /64. A network hands each
 * subscriber a /64 or more (Jio, which carries much of the state's mobile traffic, hands every phone one), and any
 * address in it is the subscriber's to use: counted one by one, a caller could take 2^64 fresh allowances without
 * leaving home. An IPv4 address written as IPv6 (::ffff:a.b.c.d, as a dual-stack socket reports an IPv4 caller;
 * 64:ff9b::a.b.c.d from a NAT64 gateway) is that IPv4 address, not one /64 shared by every IPv4 caller; other forms
 * that carry an IPv4 address (a NAT64 operator's own prefix, SIIT, Teredo) count by their whole address.
 */
export function clientNetwork(c: Context<ApiEnv>, trustedProxies: number): string {
  return networkOf(clientAddress(c, trustedProxies));
}

const NAT64_WELL_KNOWN = ipaddr.IPv6.parse('64:ff9b::'); // RFC 6052's /96, the IPv4 address in its last 32 bits

/**
 * Parsing an IPv6 address with ipaddr.js cost 5.5–7 µs (the loopback ::1 included; measured once, 6 Dec 2026), more
 * than the rest of a rate-limit check, and it ran on every request to the busiest public routes from every phone on
 * an IPv6 network. A caller sends many requests from one address, so each address is parsed once and remembered. The
 * memory is bounded: all are forgotten when 10,000 are held (a caller cycling through new addresses then makes every
 * caller parse once more per 10,000 of its requests), only addresses of at most 64 characters are kept (the longest
 * IPv6 form is 45; a zone id such as %eth0 can be any length and arrives from X-Forwarded-For), and each is kept as
 * its own copy, not as a slice that would hold the whole header it was cut from.
 */
const networks = new Map<string, string>();
const NETWORKS_HELD = 10_000;

export function networkOf(address: string): string {
  if (!address.includes(':')) return address; // IPv4, or 'unknown': nothing to parse on the busiest routes
  let network = networks.get(address);
  if (network === undefined) {
    network = ipv6Network(address);
    if (address.length > 64) return network;
    if (networks.size >= NETWORKS_HELD) networks.clear();
    networks.set(detached(address), network);
  }
  return network;
}

/** How many addresses networkOf() holds (for its test). */
export function networksHeld(): number {
  return networks.size;
}

/**
 * A string of its own. V8 keeps a substring (split, trim, a regexp's capture) as a slice of the string it was cut
 * from, so a short address taken from a 16 KB X-Forwarded-For header, kept as a map key, keeps all 16 KB alive.
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function ipv6Network(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address); // ::ffff:a.b.c.d → a.b.c.d
  if (ip.kind() === 'ipv4') return ip.toString();
  const v6 = ip as ipaddr.IPv6;
  if (v6.match(NAT64_WELL_KNOWN, 96)) return ipaddr.fromByteArray(v6.toByteArray().slice(12)).toString();
  if (['rfc6052', 'rfc6145', 'teredo'].includes(v6.range())) return v6.toString();
  return `${new ipaddr.IPv6([...v6.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/** "203.0.113.7:51234" → "203.0.113.7", "[2001:db8::1]:443" → "2001:db8::1"; a bare IPv6 address is left whole. */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4 ? v4[1]! : entry;
}
