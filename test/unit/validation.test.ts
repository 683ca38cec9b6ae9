import { describe, expect, test } from 'vitest';
import { z } from '@hono/zod-openapi';
import { validationError } from '../../api/http/errors.ts';
import { indianMobile, personName } from '../../api/http/schemas.ts';

describe('schema errors become translated field errors', () => {
  const schema = z.object({ name: personName, mobile: indianMobile, nested: z.object({ n: z.number() }).optional() });

  test('a missing field is "required"; a bad one gets its own message; paths are dotted', () => {
    const result = schema.safeParse({ mobile: '12', nested: { n: 'x' } });
    expect(result.success).toBe(false);
    const err = validationError(result.error!);
    expect(err.status).toBe(400);
    expect(err.detail.fields).toEqual({ name: 'field.required', mobile: 'field.mobile', 'nested.n': 'field.invalid' });
  });

  test('names are trimmed and bounded', () => {
    expect(personName.safeParse('  Rina Das  ').data).toBe('Rina Das');
    expect(personName.safeParse(' R ').success).toBe(false);
    expect(personName.safeParse('x'.repeat(101)).success).toBe(false);
  });
});
