import { describe, expect, test } from 'vitest';
import { isDatabaseUnavailable } from '../../api/http/unavailable.ts';

const pgError = (code: string) => Object.assign(new Error('x'), { name: 'PostgresError', code });
const sysError = (code: string, syscall: string) => Object.assign(new Error('x'), { code, syscall });

describe('which errors are a database outage (503) rather than a bug (500)', () => {
  test('PostgreSQL shutting down, starting, crashed, out of connections or out of disk', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53100', '53300']) expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
  });

  test('a broken or refused connection, from postgres.js or the socket', () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']) expect(isDatabaseUnavailable(Object.assign(new Error(code), { code }))).toBe(true);
    expect(isDatabaseUnavailable(sysError('ECONNREFUSED', 'connect'))).toBe(true);
    expect(isDatabaseUnavailable(sysError('ENOENT', 'connect'))).toBe(true); // the embedded database's socket is gone
  });

  test('everything else stays a bug: constraint violations, syntax errors, a missing stored file, plain errors', () => {
    for (const code of ['23505', '42601', '22P02', '40001']) expect(isDatabaseUnavailable(pgError(code)), code).toBe(false);
    expect(isDatabaseUnavailable(sysError('ENOENT', 'open'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of null (reading 'write')"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
