// One error, one log line (shared/log-line.ts): the crash handler, the API's and the gateways' error handlers and the
// pages' hook all use it.
import { expect, test } from 'vitest';
import { errorFields } from '../../shared/log-line.ts';

test('an error becomes its message and the top eight lines of its stack, on one line', () => {
  const deep = (n: number): Error => (n === 0 ? new Error('deliberate') : deep(n - 1));
  const { error, stack } = errorFields(deep(20));
  expect(error).toBe('deliberate');
  expect(stack).not.toContain('\n');
  const parts = stack!.split(' | ');
  expect(parts).toHaveLength(8);
  expect(parts[0]).toBe('Error: deliberate');
  expect(parts[1]).toMatch(/^\s+at deep /);
});

test('a thrown value that is not an Error is logged by its text, with no stack made up for it', () => {
  expect(errorFields('a string was thrown')).toEqual({ error: 'a string was thrown', stack: undefined });
  expect(errorFields(undefined)).toEqual({ error: 'undefined', stack: undefined });
});
