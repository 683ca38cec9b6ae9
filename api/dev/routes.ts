// Development-only routes. The composition root mounts them only outside production, so there they answer 404.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
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

export function devRoutes(deps: Deps) {
  const app = new OpenAPIHono<ApiEnv>();
  app.openapi(outbox, async (c) => {
    c.header('Cache-Control', 'no-store');
    const messages = await listDevMessages(deps.sql);
    return c.json({ messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) }, 200);
  });
  return app;
}
