// GET /metrics (the composition root maps it here): Prometheus's text format. Outside production it is open, as the
// dev routes are; in production it needs `Authorization: Bearer METRICS_TOKEN`, and without a token configured it
// does not exist — request counts and queue depths are not for the public.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses } from '../http/schemas.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function metricsRoutes(deps: Pick<Deps, 'config' | 'metrics'>) {
  const app = new OpenAPIHono<ApiEnv>();
  const token = deps.config.metricsToken;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['ops'],
      summary: 'Prometheus metrics (also served at /metrics); a bearer token in production',
      request: { headers: z.object({ authorization: z.string().optional() }) },
      responses: {
        200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
        ...errorResponses(401, 404)
      }
    }),
    async (c) => {
      if (deps.config.production && !token) throw new ApiError(404, 'not_found');
      if (token) {
        const given = /^Bearer (.+)$/.exec(c.req.valid('header').authorization ?? '')?.[1] ?? '';
        // Hashing first makes the comparison constant-time whatever the lengths.
        if (!timingSafeEqual(sha256(given), sha256(token))) throw new ApiError(401, 'unauthenticated');
      }
      const body = await deps.metrics.registry.metrics();
      return c.text(body, 200, { 'Content-Type': deps.metrics.registry.contentType, 'Cache-Control': 'no-store' });
    }
  );
  return app;
}
