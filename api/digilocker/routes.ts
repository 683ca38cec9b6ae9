// DigiLocker's calls to the issuer (Issuer API Specification 1.12, api/digilocker/issuer.ts) and the line the
// certificate page shows a citizen about finding the certificate in DigiLocker.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses } from '../http/schemas.ts';
import { hmacValid, parsePullRequest, pullDoc, pullUri } from './issuer.ts';

const xmlBody = (example: string) => ({
  required: true,
  content: { 'application/xml': { schema: z.string().openapi({ example }) } }
});
const xmlAnswer = (description: string) => ({ description, content: { 'application/xml': { schema: z.string() } } });
const hmacHeader = z.object({
  'x-digilocker-hmac': z.string().optional().openapi({ description: 'Base64 of HMAC-SHA256(request body, DIGILOCKER_API_KEY)' })
});

export function digilockerRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  /** The body as sent (the HMAC is over these bytes), after the HMAC and the orgId are checked. */
  async function authenticated(c: { req: { text(): Promise<string>; header(name: string): string | undefined } }) {
    const d = deps.config.digilocker;
    if (!d) throw new ApiError(404, 'digilocker_off');
    const body = await c.req.text();
    if (!hmacValid(d.apiKey, body, c.req.header('x-digilocker-hmac'))) throw new ApiError(401, 'unauthenticated');
    const req = parsePullRequest(body);
    if (!req) throw new ApiError(400, 'malformed_xml');
    if (d.orgId && req.orgId !== d.orgId) throw new ApiError(403, 'forbidden');
    return { d, req };
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/digilocker/pulluri',
      tags: ['digilocker'],
      summary: 'DigiLocker Issuer API 1.12 Pull URI Request: a citizen searches by certificate number (UDF1) or AIN (UDF2) with their Aadhaar name and date of birth',
      request: {
        headers: hmacHeader,
        body: xmlBody('<PullURIRequest ver="1.0" ts="2026-11-27T11:00:00+05:30" txn="1" orgId="in.gov.wb.edistrict" format="both"><DocDetails><DocType>RSCER</DocType><DigiLockerId>…</DigiLockerId><FullName>Rina Das</FullName><DOB>12-04-1990</DOB><UDF1>ORC-2026-11002-000017</UDF1></DocDetails></PullURIRequest>')
      },
      responses: { 200: xmlAnswer('PullURIResponse: Status 1 with the URI and the document, or Status 0'), ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      const { d, req } = await authenticated(c);
      if (req.kind !== 'PullURIRequest') throw new ApiError(400, 'malformed_xml');
      const answer = await pullUri(deps.sql, deps.storage, d, req);
      c.var.deps.log.info('digilocker_pull_uri', { found: answer.found });
      return c.body(answer.xml, 200, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store' });
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/digilocker/pulldoc',
      tags: ['digilocker'],
      summary: 'DigiLocker Issuer API 1.12 Pull Doc Request: the PDF (DocContent) and the certificate XML (DataContent) a saved URI names',
      request: {
        headers: hmacHeader,
        body: xmlBody('<PullDocRequest ver="1.0" ts="2026-11-27T11:00:00+05:30" txn="2" orgId="in.gov.wb.edistrict" format="both"><DocDetails><URI>in.gov.wb.edistrict-RSCER-ORC-2026-11002-000017</URI><DigiLockerId>…</DigiLockerId></DocDetails></PullDocRequest>')
      },
      responses: { 200: xmlAnswer('PullDocResponse: Status 1 with the document, or Status 0'), ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      const { d, req } = await authenticated(c);
      if (req.kind !== 'PullDocRequest') throw new ApiError(400, 'malformed_xml');
      const answer = await pullDoc(deps.sql, deps.storage, d, req);
      c.var.deps.log.info('digilocker_pull_doc', { found: answer.found });
      return c.body(answer.xml, 200, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store' });
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/digilocker/about',
      tags: ['digilocker', 'public'],
      summary: 'Whether certificates can be pulled into DigiLocker, and under which issuer and document type',
      responses: {
        200: {
          description: 'DigiLocker availability',
          content: { 'application/json': { schema: z.object({ available: z.boolean(), issuer: z.string().nullable(), docType: z.string().nullable() }).openapi('DigiLockerAbout') } }
        }
      }
    }),
    (c) => {
      const d = deps.config.digilocker;
      return c.json({ available: !!d, issuer: d?.issuerName ?? null, docType: d?.docType ?? null }, 200);
    }
  );

  return app;
}
