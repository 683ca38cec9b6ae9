// Liveness and readiness (issue 11 item 1, issue 15 item 4). Liveness: the process answers, so a supervisor has no
// reason to restart it; it never touches the database, because a database outage is not cured by restarting the
// app. Readiness: the database answers and the process is not shutting down, so a load balancer sends it work.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from './deps.ts';
import type { ApiEnv } from './http/env.ts';
import { RETRY_AFTER_SECONDS } from './http/unavailable.ts';

/** Shared with the composition root, which sets `stopping` on SIGTERM. */
export interface Lifecycle {
  stopping: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

const live = z.object({ status: z.literal('ok') });
const ready = z.object({ status: z.enum(['ok', 'unavailable']), db: z.enum(['ok', 'down']), stopping: z.boolean() });

const readiness = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: ['ops'],
    summary,
    responses: {
      200: { description: 'Ready: the database answers', content: { 'application/json': { schema: ready } } },
      503: { description: 'Not ready: the database does not answer, or the process is shutting down', content: { 'application/json': { schema: ready } } }
    }
  });

export function healthRoutes(deps: Pick<Deps, 'sql'>, lifecycle: Lifecycle) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/live',
      tags: ['ops'],
      summary: 'Liveness: the process answers (the database is not consulted)',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: live } } } }
    }),
    (c) => c.json({ status: 'ok' as const }, 200)
  );

  const check = async (c: Parameters<Parameters<typeof app.openapi>[1]>[0]) => {
    c.header('Cache-Control', 'no-store');
    const dbUp = lifecycle.stopping ? true : await databaseAnswers(deps);
    const ok = dbUp && !lifecycle.stopping;
    if (!ok) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    const body = { status: ok ? ('ok' as const) : ('unavailable' as const), db: dbUp ? ('ok' as const) : ('down' as const), stopping: lifecycle.stopping };
    return ok ? c.json(body, 200) : c.json(body, 503);
  };
  app.openapi(readiness('/health/ready', 'Readiness: the database answers and the process is not shutting down'), check);
  // The original address: monitors and the e2e suite wait on it, and readiness is what they mean.
  app.openapi(readiness('/health', 'Readiness (the same as /health/ready)'), check);
  return app;
}

async function databaseAnswers(deps: Pick<Deps, 'sql'>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      deps.sql`select 1`.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
      })
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
