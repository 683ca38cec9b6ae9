import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
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
  summary: 'The district, its subdivisions and blocks, kiosks and CSCs (public information)',
  responses: { 200: { description: 'Offices', content: { 'application/json': { schema: z.object({ offices: z.array(officeSchema) }) } } } }
});

export function officeRoutes(deps: Deps) {
  const app = new OpenAPIHono<ApiEnv>();
  app.openapi(list, async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ offices: await listOffices(deps.sql) }, 200);
  });
  return app;
}
