// eSign approval over HTTP (DESIGN §14): the officer's browser starts it, the ESP's page sends the browser back to
// /esign/response with the ESP's answer, and the application page asks whether a signature is awaited.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { applicationForReader } from '../applications/access.ts';
import { ainFromPath } from '../applications/routes.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser } from '../http/middleware.ts';
import { errorResponses } from '../http/schemas.ts';
import { esignHandoff, esignStatus, finishEsign, startEsign } from './flow.ts';
import { createHash } from 'node:crypto';
import { translate } from '../../i18n/index.ts';

const HANDOFF_SCRIPT = 'document.forms[0].submit()';
const HANDOFF_SCRIPT_HASH = `sha256-${createHash('sha256').update(HANDOFF_SCRIPT).digest('base64')}`;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const startSchema = z
  .object({
    txn: z.string(),
    /** Open this page (same origin) to be taken to the ESP: the PWA's own CSP allows forms to post only to itself. */
    goUrl: z.string(),
    espUrl: z.string(),
    fields: z.object({ eSignRequest: z.string(), aspTxnId: z.string(), 'Content-Type': z.literal('application/xml') }),
    expiresAt: z.string()
  })
  .openapi('EsignStart');

const statusSchema = z
  .object({
    pending: z.object({ expiresAt: z.string() }).nullable(),
    last: z.object({ status: z.string(), error: z.string().nullable(), at: z.string() }).nullable()
  })
  .openapi('EsignStatus');

export function esignRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/esign/start',
      tags: ['esign'],
      summary: 'The officer confirms an approval that is signed with eSign (CCA eSign API 2.1): answers the signed request to post to the ESP',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ ain: z.string('field.invalid').max(40, 'field.invalid'), version: z.number('field.invalid').int().min(1) }) } }
        }
      },
      responses: { 200: { description: 'Post `fields` to `espUrl` from the browser', content: { 'application/json': { schema: startSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const { ain, version } = c.req.valid('json');
      const started = await startEsign(c.var.deps, user, ainFromPath(ain), version);
      c.header('Cache-Control', 'no-store');
      return c.json({ ...started, goUrl: `/api/esign/go/${started.txn}`, expiresAt: started.expiresAt.toISOString() }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/esign/go/{txn}',
      tags: ['esign'],
      summary: "A page that form-posts the eSign request to the ESP (eSign 2.1's browser hand-off), allowed to by its own CSP",
      request: { params: z.object({ txn: z.string().uuid('field.invalid') }) },
      responses: { 200: { description: 'HTML that posts itself to the ESP', content: { 'text/html': { schema: z.string() } } }, ...errorResponses(400, 401, 404, 409) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const handoff = await esignHandoff(c.var.deps, user, c.req.valid('param').txn);
      if (!handoff) throw new ApiError(404, 'not_found');
      const esp = new URL(handoff.espUrl);
      const inputs = Object.entries(handoff.fields)
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join('');
      const t = (key: 'esign.redirecting' | 'esign.go') => translate(c.get('lang'), key);
      const html = `<!doctype html><html lang="${c.get('lang')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t('esign.redirecting'))}</title></head><body><p>${escapeHtml(t('esign.redirecting'))}</p><form method="post" action="${escapeHtml(esp.href)}">${inputs}<button>${escapeHtml(t('esign.go'))}</button></form><script>${HANDOFF_SCRIPT}</script></body></html>`;
      // Only this page may post to the ESP, and only its one script runs.
      c.header('Content-Security-Policy', `default-src 'none'; form-action ${esp.origin}; script-src '${HANDOFF_SCRIPT_HASH}'; frame-ancestors 'none'`);
      c.header('Cache-Control', 'no-store');
      return c.html(html, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/esign/response',
      tags: ['esign'],
      summary: "The ESP's answer (EsignResp), form-posted by the officer's browser to the request's responseUrl; redirects to the application",
      request: {
        body: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: z.object({ eSignResponse: z.string('field.invalid').min(1, 'field.invalid'), espTxnId: z.string().optional() }) } }
        }
      },
      responses: { 303: { description: 'To the application page, with the outcome in the query' }, ...errorResponses(400) }
    }),
    async (c) => {
      const result = await finishEsign(c.var.deps, c.req.valid('form').eSignResponse);
      if (!result) throw new ApiError(400, 'esign_unknown');
      const query = new URLSearchParams({ esign: result.outcome });
      if (result.outcome === 'signed') query.set('no', result.certificateNo);
      if (result.outcome === 'refused' || result.outcome === 'rejected') query.set('reason', result.detail ?? result.reason);
      if (result.outcome === 'expired') query.set('minutes', String(deps.config.esign.timeoutMs / 60_000));
      return c.redirect(`/applications/${encodeURIComponent(result.ain)}?${query}`, 303);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/esign/status/{ain}',
      tags: ['esign'],
      summary: 'Whether the application awaits an eSign, and how the last attempt ended',
      request: { params: z.object({ ain: z.string().max(40) }) },
      responses: { 200: { description: 'The status', content: { 'application/json': { schema: statusSchema } } }, ...errorResponses(401, 403, 404) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const application = await applicationForReader(deps.sql, user, { ain: ainFromPath(c.req.valid('param').ain) });
      const status = await esignStatus(deps, application.id);
      c.header('Cache-Control', 'no-store');
      return c.json(
        { pending: status.pending && { expiresAt: status.pending.expiresAt.toISOString() }, last: status.last && { ...status.last, at: status.last.at.toISOString() } },
        200
      );
    }
  );

  return app;
}
