// A database that is restarting, failing over or unreachable is an outage to wait out, not a bug: the request is
// answered 503 with Retry-After (never a 500, never a hang), and nothing half-done is kept, because every write is
// one transaction that PostgreSQL rolls back when its connection dies. A client that retries with the same
// Idempotency-Key gets the first answer if the commit did land before the connection broke.

/** Seconds a client should wait before trying again; postgres.js reconnects within one (api/db/connect.ts). */
export const RETRY_AFTER_SECONDS = 2;

// postgres.js's own connection errors, and Node's socket errors it passes through.
const connectionCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN'
]);

/**
 * PostgreSQL's SQLSTATEs for "not now": class 08 (connection exception), 57P01–57P05 (administrator or crash
 * shutdown, cannot connect now: starting up, shutting down, in recovery), 53100 (the database's disk is full: the
 * statement is rolled back, and it works again once space is freed) and 53300 (too many connections).
 */
function isUnavailableState(code: string): boolean {
  return code.startsWith('08') || /^57P0[1-5]$/.test(code) || code === '53100' || code === '53300';
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // PostgresError carries the SQLSTATE; connection errors carry the socket's or postgres.js's code.
  if ((err as { name?: string }).name === 'PostgresError') return isUnavailableState(code);
  // The embedded database's Unix socket missing; a missing stored file (ENOENT from open) stays a bug.
  if (code === 'ENOENT') return (err as { syscall?: string }).syscall === 'connect';
  return connectionCodes.has(code);
}
