// The counter network (issue 13 item 4): thin routes over counters.ts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { parseAin } from '../../shared/ain.ts';
import { idTypes } from '../../shared/decision.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { binaryFile, errorResponses, isoDay, jsonBody } from '../http/schemas.ts';
import { freeText, identifier } from '../../shared/text.ts';
import { attachOperator, closeCounter, confirmCode, counterDetail, createCounter, findCounters, listManagedCounters, printCertificate, startIdentityCheck, updateCounter, type Counter } from './counters.ts';

const counter = z
  .object({
    id: z.string(),
    kind: z.enum(['kiosk', 'csc']),
    code: z.string(),
    nameEn: z.string(),
    nameBn: z.string(),
    parentId: z.string(),
    address: z.string().nullable(),
    pin: z.string().nullable(),
    hours: z.string().nullable(),
    closedAt: z.string().nullable()
  })
  .openapi('Counter');

const text = (key: 'field.counter_name' | 'field.counter_address' | 'field.counter_hours', max: number) => freeText(2, max, key);
const pin = z.string('field.counter_pin').regex(/^[1-9][0-9]{5}$/, 'field.counter_pin');
const fields = {
  nameEn: text('field.counter_name', 120),
  nameBn: text('field.counter_name', 120).optional(),
  address: text('field.counter_address', 300),
  pin,
  hours: text('field.counter_hours', 100)
};
const out = (c: Counter) => ({ ...c, closedAt: c.closedAt?.toISOString() ?? null });
const counterId = z.object({ id: identifier('field.counter') });

/** The AIN typed at the counter, or the 400 that says what is wrong with it. */
function ainOf(raw: string): string {
  const parsed = parseAin(raw);
  if (!parsed.ok) throw new ApiError(400, parsed.reason === 'check_digit' ? 'ain_typo' : 'ain_format', { fields: { ain: 'field.invalid' } });
  return parsed.ain;
}

export function counterRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/counters',
      tags: ['counters'],
      summary: 'Open kiosks and CSCs that serve a block (or municipal area), or at a PIN code (public)',
      request: { query: z.object({ block: identifier('field.block').optional(), pin: pin.optional() }) },
      responses: { 200: { description: 'Counters', content: { 'application/json': { schema: z.object({ counters: z.array(counter) }) } } }, ...errorResponses(400) }
    }),
    async (c) => {
      const { block, pin: at } = c.req.valid('query');
      if (!block && !at) throw new ApiError(400, 'validation', { fields: { block: 'field.block_or_pin' } });
      c.header('Cache-Control', 'public, max-age=60');
      return c.json({ counters: (await findCounters(deps.sql, { blockId: block, pin: at })).map(out) }, 200);
    }
  );

  // Before /counters/{id}, which would otherwise take "managed" for a counter's id.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/counters/managed',
      tags: ['counters'],
      summary: 'Every counter the caller manages, closed ones too, and the operators they may attach (administrator; the DM for the district)',
      middleware: [requirePermission('counters:manage')] as const,
      responses: {
        200: {
          description: 'Counters and operators',
          content: { 'application/json': { schema: z.object({ counters: z.array(counter), operators: z.array(z.object({ id: z.string(), name: z.string(), officeId: z.string() })) }) } }
        },
        ...errorResponses(401, 403)
      }
    }),
    async (c) => {
      const { counters, operators } = await listManagedCounters(deps.sql, currentUser(c).user);
      c.header('Cache-Control', 'no-store');
      return c.json({ counters: counters.map(out), operators }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/counters',
      tags: ['counters'],
      summary: 'Add a kiosk or CSC (administrator; the DM for the district)',
      middleware: [requirePermission('counters:manage')] as const,
      request: { body: jsonBody(z.object({ kind: z.enum(['kiosk', 'csc'], 'field.counter_kind'), code: z.string('field.counter_code').regex(/^[A-Z0-9]{2,6}$/, 'field.counter_code'), parentId: identifier('field.counter_parent'), ...fields })) },
      responses: { 201: { description: 'Added', content: { 'application/json': { schema: counter } } }, ...errorResponses(400, 401, 403, 409, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const created = await createCounter(deps.sql, user, c.req.valid('json'));
      c.var.deps.log.info('counter_created', { id: created.id, by: user.id });
      return c.json(out(created), 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/counters/{id}',
      tags: ['counters'],
      summary: 'A counter and its operators (administrator; the DM)',
      middleware: [requirePermission('counters:manage')] as const,
      request: { params: counterId },
      responses: {
        200: { description: 'The counter', content: { 'application/json': { schema: z.object({ counter, operators: z.array(z.object({ id: z.string(), name: z.string(), deactivatedAt: z.string().nullable() })) }) } } },
        ...errorResponses(401, 403, 404)
      }
    }),
    async (c) => {
      const detail = await counterDetail(deps.sql, c.req.valid('param').id);
      c.header('Cache-Control', 'no-store');
      return c.json({ counter: out(detail.counter), operators: detail.operators.map((o) => ({ ...o, deactivatedAt: o.deactivatedAt?.toISOString() ?? null })) }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/counters/{id}',
      tags: ['counters'],
      summary: "Edit a counter's name, address, PIN or hours",
      middleware: [requirePermission('counters:manage')] as const,
      request: { params: counterId, body: jsonBody(z.object({ nameEn: fields.nameEn.optional(), nameBn: fields.nameBn, address: fields.address.optional(), pin: pin.optional(), hours: fields.hours.optional() })) },
      responses: { 200: { description: 'Edited', content: { 'application/json': { schema: counter } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => c.json(out(await updateCounter(deps.sql, currentUser(c).user, c.req.valid('param').id, c.req.valid('json'))), 200)
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/counters/{id}/close',
      tags: ['counters'],
      summary: 'Close a counter: it is no longer listed and prints nothing more',
      middleware: [requirePermission('counters:manage')] as const,
      request: { params: counterId },
      responses: { 200: { description: 'Closed', content: { 'application/json': { schema: counter } } }, ...errorResponses(401, 403, 404, 409) }
    }),
    async (c) => c.json(out(await closeCounter(deps.sql, currentUser(c).user, c.req.valid('param').id, deps.clock.now())), 200)
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/counters/{id}/operators',
      tags: ['counters'],
      summary: 'Attach an operator to the counter (posts them there)',
      middleware: [requirePermission('counters:manage')] as const,
      request: { params: counterId, body: jsonBody(z.object({ userId: identifier('field.operator') })) },
      responses: { 200: { description: 'Attached', content: { 'application/json': { schema: z.object({ userId: z.string(), counterId: z.string() }) } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => c.json(await attachOperator(deps.sql, currentUser(c).user, c.req.valid('param').id, c.req.valid('json').userId, deps.clock.now()), 200)
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/counter/identity-checks',
      tags: ['counters'],
      summary: "Before a print, the citizen proves who they are: a code sent to the applicant's mobile, or the date of birth with a photo ID (recorded)",
      middleware: [requirePermission('counters:print')] as const,
      request: {
        body: jsonBody(
          z.discriminatedUnion('method', [
            z.object({ method: z.literal('otp'), ain: z.string('field.invalid').max(40) }),
            z.object({
              method: z.literal('photo_id'),
              ain: z.string('field.invalid').max(40),
              dateOfBirth: isoDay,
              idType: z.enum(idTypes, 'field.id_type'),
              idNumber: z.string('field.id_number').trim().regex(/^[A-Za-z0-9/ -]{4,30}$/, 'field.id_number')
            })
          ])
        )
      },
      responses: {
        201: {
          description: 'Started (a code was sent) or passed (photo ID)',
          content: { 'application/json': { schema: z.object({ checkId: z.string(), verified: z.boolean(), expiresAt: z.string(), sentTo: z.string().optional() }) } }
        },
        ...errorResponses(400, 401, 403, 404, 409, 410, 415, 422)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const body = c.req.valid('json');
      const result = await startIdentityCheck(c.var.deps, user, { ...body, ain: ainOf(body.ain) }, deps.clock.now());
      return c.json({ ...result, expiresAt: result.expiresAt.toISOString() }, 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/counter/identity-checks/{id}/code',
      tags: ['counters'],
      summary: 'The code the citizen received, typed at the counter (5 tries, 15 minutes)',
      middleware: [requirePermission('counters:print')] as const,
      request: { params: z.object({ id: z.uuid('field.id') }), body: jsonBody(z.object({ code: z.string('field.code_wrong').regex(/^\d{6}$/, 'field.code_wrong') })) },
      responses: { 200: { description: 'Passed', content: { 'application/json': { schema: z.object({ checkId: z.string(), verified: z.literal(true) }) } } }, ...errorResponses(400, 401, 403, 404, 410, 415, 422) }
    }),
    async (c) => c.json(await confirmCode(deps.sql, currentUser(c).user, c.req.valid('param').id, c.req.valid('json').code, deps.clock.now()), 200)
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/counter/prints',
      tags: ['counters'],
      summary: 'Print the signed certificate after a passed identity check; each print is recorded (who, where, when, copies)',
      middleware: [requirePermission('counters:print')] as const,
      request: { body: jsonBody(z.object({ checkId: z.uuid('field.id'), copies: z.number('field.copies').int('field.copies').min(1, 'field.copies').max(5, 'field.copies') })) },
      responses: { 200: { description: 'The signed PDF', content: { 'application/pdf': { schema: binaryFile } } }, ...errorResponses(400, 401, 403, 404, 410, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const { checkId, copies } = c.req.valid('json');
      const { pdf, certificateNo } = await printCertificate(deps, user, checkId, copies, deps.clock.now());
      c.var.deps.log.info('certificate_printed', { by: user.id, copies });
      return c.body(new Uint8Array(pdf), 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `inline; filename="${certificateNo}.pdf"`,
        'Cache-Control': 'no-store'
      });
    }
  );

  return app;
}
