// Development-only routes. The composition root mounts them only outside production, so there they answer 404.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { sweep } from '../sla/sweeper.ts';
import { listDevMessages } from './messages.ts';

const outbox = createRoute({
  method: 'get',
  path: '/dev/outbox',
  tags: ['dev'],
  summary: 'Every SMS, email and push the console providers "sent", newest first (not in production)',
  responses: {
    200: {
      description: 'Messages',
      content: {
        'application/json': {
          schema: z.object({
            messages: z.array(
              z.object({ id: z.string(), channel: z.enum(['sms', 'email', 'push']), recipient: z.string(), subject: z.string().nullable(), body: z.string(), createdAt: z.string() })
            )
          })
        }
      }
    }
  }
});

const clock = createRoute({
  method: 'post',
  path: '/dev/clock',
  tags: ['dev'],
  summary: "Moves the server's clock forward, to watch due dates pass (not in production)",
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ advanceHours: z.number('field.hours').min(0, 'field.hours').max(24 * 60, 'field.hours') }) } } } },
  responses: { 200: { description: 'The time now', content: { 'application/json': { schema: z.object({ now: z.string() }) } } } }
});

const sweepNow = createRoute({
  method: 'post',
  path: '/dev/sweep',
  tags: ['dev'],
  summary: 'Runs the SLA sweeper now instead of at its next interval (not in production)',
  responses: { 200: { description: 'What it found', content: { 'application/json': { schema: z.object({ breaches: z.number(), l1Breaches: z.number(), reminders: z.number() }) } } } }
});

export function devRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  app.openapi(clock, (c) => {
    deps.clock.advance?.(c.req.valid('json').advanceHours * 3_600_000);
    return c.json({ now: deps.clock.now().toISOString() }, 200);
  });
  app.openapi(sweepNow, async (c) => c.json(await sweep(c.var.deps), 200));
  app.openapi(outbox, async (c) => {
    c.header('Cache-Control', 'no-store');
    const messages = await listDevMessages(deps.sql);
    return c.json({ messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) }, 200);
  });
  return app;
}
