// Push subscriptions of the logged-in user's devices, and the administrator's view of messages in trouble.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { maskMobile } from '../../shared/mobile.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { errorResponses, jsonBody } from '../http/schemas.ts';
import { listTroubledMessages, retryMessage, type TroubledMessage } from './outbox.ts';
import { subscribe, unsubscribe } from './push.ts';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+=*$/, 'field.push_key').max(200, 'field.push_key');

// What PushSubscription.toJSON() gives in the browser. Push services are always https.
const subscription = z.object({
  endpoint: z.string().url('field.push_endpoint').max(1000, 'field.push_endpoint').startsWith('https://', 'field.push_endpoint'),
  keys: z.object({ p256dh: base64url, auth: base64url })
});

const troubled = z
  .object({
    id: z.string(),
    channel: z.enum(['sms', 'email', 'push']),
    recipient: z.string().openapi({ description: 'Masked: a mobile as +91*****2345, an email as r***@example.org' }),
    event: z.string(),
    status: z.enum(['pending', 'dead']),
    attempts: z.number(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    ain: z.string().nullable()
  })
  .openapi('TroubledMessage');

/** Gateways' error texts repeat the address or number ("550 <x@y>: rejected"); the list shows neither. */
function scrub(error: string | null): string | null {
  return error && error.replace(/[^\s<>"']+@[^\s<>"']+/g, '***@***').replace(/\+?\d[\d -]{7,}\d/g, (d) => d.slice(0, 3) + '***');
}

/** Administrators see who a message was for, not the whole number or address. */
function maskRecipient(m: TroubledMessage): string {
  if (m.channel === 'sms') return maskMobile(m.recipient);
  if (m.channel === 'email') return m.recipient.replace(/^(.)[^@]*/, '$1***');
  return `device ${m.recipient}`;
}

export function notifyRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/push/key',
      tags: ['push'],
      summary: 'The VAPID public key browsers subscribe with (applicationServerKey)',
      responses: { 200: { description: 'Key', content: { 'application/json': { schema: z.object({ publicKey: z.string() }) } } } }
    }),
    (c) => c.json({ publicKey: deps.push.publicKey }, 200)
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/push/subscriptions',
      tags: ['push'],
      summary: "Registers this device's push subscription for the logged-in user (one per device: the endpoint is the device)",
      request: { body: jsonBody(subscription) },
      responses: { 201: { description: 'Registered', content: { 'application/json': { schema: z.object({ id: z.string() }) } } }, ...errorResponses(400, 401, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const s = c.req.valid('json');
      return c.json({ id: await subscribe(deps.sql, user.id, s, deps.clock.now()) }, 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/push/subscriptions',
      tags: ['push'],
      summary: "Removes this device's subscription (notifications turned off, or logging out)",
      request: { body: jsonBody(subscription.pick({ endpoint: true })) },
      responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      await unsubscribe(deps.sql, user.id, c.req.valid('json').endpoint);
      return c.body(null, 204);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/admin/messages',
      tags: ['admin'],
      summary: 'Messages that failed: dead letters, and those waiting to be tried again',
      middleware: [requirePermission('messages:manage')] as const,
      responses: { 200: { description: 'Messages', content: { 'application/json': { schema: z.object({ messages: z.array(troubled) }) } } }, ...errorResponses(401, 403) }
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      const rows = await listTroubledMessages(deps.sql);
      return c.json(
        {
          messages: rows.map((m) => ({
            ...m,
            recipient: maskRecipient(m),
            lastError: scrub(m.lastError),
            nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt.toISOString() : null,
            createdAt: m.createdAt.toISOString()
          }))
        },
        200
      );
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/admin/messages/{id}/retry',
      tags: ['admin'],
      summary: 'Sends a failed or dead message again now, with a fresh count of attempts',
      middleware: [requirePermission('messages:manage')] as const,
      request: { params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'field.id') }) },
      responses: { 200: { description: 'Queued', content: { 'application/json': { schema: z.object({ id: z.string(), status: z.literal('pending') }) } } }, ...errorResponses(401, 403, 404) }
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await retryMessage(deps, id))) throw new ApiError(404, 'message_unknown');
      c.var.deps.log.info('message_retry', { id, by: currentUser(c).user.id });
      return c.json({ id, status: 'pending' as const }, 200);
    }
  );

  return app;
}
