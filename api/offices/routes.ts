import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { identifier } from '../../shared/text.ts';
import { listOffices } from './offices.ts';

const officeSchema = z
  .object({
    id: z.string().openapi({ example: 'n24pgs/barasat-sadar/barasat-i' }),
    kind: z.enum(['district', 'subdivision', 'block', 'kiosk', 'csc', 'urban']),
    code: z.string().openapi({ example: '002' }),
    nameEn: z.string(),
    nameBn: z.string(),
    parentId: z.string().nullable(),
    subdivisionId: z.string().nullable(),
    districtId: z.string(),
    areaKind: z.enum(['municipal_corporation', 'municipality']).nullable().openapi({ description: 'For a municipal area (kind urban)' })
  })
  .openapi('Office');

const list = createRoute({
  method: 'get',
  path: '/offices',
  tags: ['offices'],
  summary: "West Bengal's districts, subdivisions, blocks, municipal areas, kiosks and CSCs (public information)",
  description:
    'With `kind=district`, the 23 districts only; with `district`, that district and its offices only (what a phone needs to choose a block: all of them at once is about 80 KB).',
  request: {
    query: z.object({
      district: identifier('field.block').optional().openapi({ example: 'n24pgs' }),
      kind: z.enum(['district']).optional()
    })
  },
  responses: { 200: { description: 'Offices', content: { 'application/json': { schema: z.object({ offices: z.array(officeSchema) }) } } } }
});

export function officeRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  app.openapi(list, async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ offices: await listOffices(deps.sql, c.req.valid('query')) }, 200);
  });
  return app;
}
