import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { identifier, multilineText } from '../../shared/text.ts';
import { parseAin } from '../../shared/ain.ts';
import { applicationSchema } from '../../shared/application.ts';
import { reportSchema } from '../../shared/report.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { binaryFile, errorResponses } from '../http/schemas.ts';
import { applicationForReader } from './access.ts';
import { idTypes, rejectionReasons } from '../../shared/decision.ts';
import { actOnApplication } from './act.ts';
import { applicationDetail, applicationDetailSchema, listApplications, listedApplicationSchema } from './queries.ts';
import { receiptContents, renderReceipt } from './receipt.ts';
import { certificateOfApplication } from '../certificates/lookup.ts';
import { submitReport } from './report.ts';
import { statuses } from './workflow.ts';
import { resubmitApplication } from './resubmit.ts';
import { submitApplication } from './submit.ts';

const submitted = z.object({ ain: z.string().openapi({ example: '26110020000017' }), status: z.literal('submitted'), receiptUrl: z.string() }).openapi('Submitted');
const ainParam = z.object({ ain: z.string().max(40).openapi({ example: '26 11 002 000001 7' }) });

/** The AIN from a path, or the 400 that says whether it is a typo or not an AIN at all. */
export function ainFromPath(raw: string): string {
  const parsed = parseAin(raw); // Hono has already decoded the path parameter
  if (!parsed.ok) throw new ApiError(400, parsed.reason === 'check_digit' ? 'ain_typo' : 'ain_format', { fields: { ain: 'field.invalid' } });
  return parsed.ain;
}

export function applicationRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/applications',
      tags: ['applications'],
      summary: 'Submit an application; the Idempotency-Key makes retries safe',
      request: {
        headers: z.object({ 'idempotency-key': z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'field.idempotency_key').openapi({ example: 'draft-7f3c9a1e' }) }),
        body: { required: true, content: { 'application/json': { schema: applicationSchema } } }
      },
      responses: {
        201: { description: 'Submitted', content: { 'application/json': { schema: submitted } } },
        200: { description: 'A retry of a submission already made: the same answer', content: { 'application/json': { schema: submitted } } },
        ...errorResponses(400, 401, 403, 409, 413, 415)
      },
      middleware: [requirePermission('applications:submit')] as const
    }),
    async (c) => {
      const { user } = currentUser(c);
      const result = await submitApplication(c.var.deps, user, c.req.valid('json'), c.req.valid('header')['idempotency-key'], c.get('lang'));
      const body = { ain: result.ain, status: result.status, receiptUrl: `/api/applications/${result.ain}/receipt.pdf` };
      return result.replayed ? c.json(body, 200) : c.json(body, 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/applications',
      tags: ['applications'],
      summary: 'Applications the caller may see: their own, those they filed, or their jurisdiction (officers: open ones first, soonest due first)',
      request: { query: z.object({ status: z.enum(statuses, 'field.choose').optional() }) },
      responses: {
        200: { description: 'Applications, newest first', content: { 'application/json': { schema: z.object({ applications: z.array(listedApplicationSchema) }) } } },
        ...errorResponses(400, 401)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      c.header('Cache-Control', 'no-store');
      const rows = await listApplications(deps.sql, user, deps.clock.now(), c.req.valid('query'));
      return c.json({ applications: rows.map((r) => ({ ...r, submittedAt: r.submittedAt.toISOString(), dueAt: r.dueAt.toISOString() })) }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/applications/{ain}',
      tags: ['applications'],
      summary: 'An application with its documents and its history',
      request: { params: ainParam },
      responses: { 200: { description: 'The application', content: { 'application/json': { schema: applicationDetailSchema } } }, ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const record = await applicationForReader(deps.sql, user, { ain: ainFromPath(c.req.valid('param').ain) }, deps.clock.now());
      c.header('Cache-Control', 'no-store');
      return c.json(await applicationDetail(deps, record, user), 200);
    }
  );

  const version = z.number('field.invalid').int().min(1);
  const remarks = multilineText(5, 1000, 'field.remarks');
  const eoId = identifier('field.eo');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/applications/{ain}/actions',
      tags: ['applications'],
      summary: "An officer's decision; `version` is the one the officer saw, and a stale one gets 409",
      request: {
        params: ainParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.discriminatedUnion('action', [
                z.object({ action: z.literal('forward_to_eo'), version, eoId, remarks: remarks.optional() }),
                z.object({ action: z.literal('reassign_eo'), version, eoId, remarks: remarks.optional() }),
                z.object({ action: z.literal('re_enquire'), version, eoId: eoId.optional(), remarks: remarks.optional() }),
                z.object({ action: z.literal('reject'), version, reason: z.enum(rejectionReasons, 'field.reason'), remarks }),
                z.object({ action: z.literal('send_back'), version, remarks }),
                z.object({ action: z.literal('approve'), version, remarks: remarks.optional() }),
                z.object({
                  action: z.literal('mark_delivered'),
                  version,
                  // Issue 13: who collected it, with the ID they showed (its last 4 characters only).
                  collector: z.object({
                    name: z.string('field.name').trim().min(2, 'field.name').max(100, 'field.name'),
                    relation: z.enum(['self', 'father', 'mother', 'spouse', 'son', 'daughter', 'sibling', 'other'], 'field.relation'),
                    idType: z.enum(idTypes, 'field.id_type'),
                    idLast4: z.string('field.id_last4').regex(/^[A-Za-z0-9]{4}$/, 'field.id_last4')
                  })
                })
              ])
            }
          }
        }
      },
      responses: {
        200: {
          description: 'Done; an approval also answers the new certificate number',
          content: { 'application/json': { schema: z.object({ ain: z.string(), status: z.string(), version: z.number(), certificateNo: z.string().optional() }) } }
        },
        ...errorResponses(400, 401, 403, 404, 409, 415)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const ain = ainFromPath(c.req.valid('param').ain);
      return c.json(await actOnApplication(c.var.deps, user, ain, c.req.valid('json')), 200);
    }
  );

  const reported = z.object({ ain: z.string(), status: z.literal('enquiry_reported'), version: z.number(), reportId: z.string() });
  const idempotencyKey = z.object({ 'idempotency-key': z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'field.idempotency_key').openapi({ example: 'report-7f3c9a1e' }) });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/applications/{ain}/report',
      tags: ['applications'],
      summary: "The assigned Enquiry Officer's field report (seed step 4); the Idempotency-Key makes a resend from the phone safe",
      middleware: [requirePermission('reports:submit')] as const,
      request: { params: ainParam, headers: idempotencyKey, body: { required: true, content: { 'application/json': { schema: reportSchema } } } },
      responses: {
        201: { description: 'Reported', content: { 'application/json': { schema: reported } } },
        200: { description: 'A resend of a report already received: the same answer', content: { 'application/json': { schema: reported } } },
        ...errorResponses(400, 401, 403, 404, 409, 415, 422)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const ain = ainFromPath(c.req.valid('param').ain);
      const { replayed, ...result } = await submitReport(c.var.deps, user, ain, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
      return c.json(result, replayed ? 200 : 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/applications/{ain}/resubmit',
      tags: ['applications'],
      summary: 'Correct and resubmit an application that was sent back (seed step 8); same AIN, history kept',
      request: {
        params: ainParam,
        body: { required: true, content: { 'application/json': { schema: applicationSchema.omit({ onBehalfOf: true }).extend({ version }) } } }
      },
      responses: {
        200: { description: 'Resubmitted', content: { 'application/json': { schema: z.object({ ain: z.string(), status: z.literal('submitted'), version: z.number() }) } } },
        ...errorResponses(400, 401, 403, 404, 409, 415)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const ain = ainFromPath(c.req.valid('param').ain);
      return c.json(await resubmitApplication(c.var.deps, user, ain, c.req.valid('json')), 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/applications/{ain}/certificate.pdf',
      tags: ['applications'],
      summary: 'The digitally signed certificate (seed step 6), for whoever may read the application',
      request: { params: ainParam },
      responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: binaryFile } } }, ...errorResponses(400, 401, 403, 404, 410) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const record = await applicationForReader(deps.sql, user, { ain: ainFromPath(c.req.valid('param').ain) }, deps.clock.now());
      const certificate = await certificateOfApplication(deps.sql, record.id);
      if (!certificate) throw new ApiError(404, 'certificate_not_issued');
      if (certificate.revokedAt) throw new ApiError(410, 'certificate_revoked');
      const pdf = await deps.storage.get(certificate.pdfSha256);
      if (!pdf) throw new Error(`certificate ${certificate.certificateNo} is missing from storage`);
      return c.body(new Uint8Array(pdf), 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="${certificate.certificateNo}.pdf"`,
        'Cache-Control': 'no-store'
      });
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/applications/{ain}/receipt.pdf',
      tags: ['applications'],
      summary: 'The acknowledgement receipt (PDF)',
      request: { params: ainParam },
      responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: binaryFile } } }, ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const record = await applicationForReader(deps.sql, user, { ain: ainFromPath(c.req.valid('param').ain) }, deps.clock.now());
      const { documents, district, lang } = await receiptContents(deps.sql, record);
      const pdf = await renderReceipt({ app: record, office: record.office, district, documents, trackUrl: `${deps.config.origin}/track/${record.ain}`, lang: lang ?? deps.config.defaultLang });
      return c.body(new Uint8Array(pdf), 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="receipt-${record.ain}.pdf"`,
        'Cache-Control': 'no-store'
      });
    }
  );

  return app;
}
