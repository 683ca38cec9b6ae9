// MIS reports for the BDO, the SDO and the DM (seed §D, feature 5), scoped to their jurisdiction: JSON for the
// page, CSV for spreadsheets, PDF for the file.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { identifier } from '../../shared/text.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { binaryFile, errorResponses, serviceDay } from '../http/schemas.ts';
import { blocksCovered, getOffice } from '../offices/offices.ts';
import { kolkataDate } from '../time.ts';
import { misLocalLang, renderMisPdf } from './pdf.ts';
import { createHash, randomUUID } from 'node:crypto';
import { glossary, placeName } from '../../i18n/glossary.ts';
import { covers, reach } from '../authz.ts';
import { misSummary } from './summary.ts';
import { misScope, scopeRows } from './scope.ts';
import { misOperations } from './operations.ts';
import { getMisRecord, keepMisRecord } from './records.ts';

const query = z.object({
  from: serviceDay.optional(),
  to: serviceDay.optional(),
  // Issue 15: the state officer drills down to a district and a subdivision; anyone to an office within reach.
  district: identifier('field.office').optional(),
  subdivision: identifier('field.office').optional(),
  office: identifier('field.office').optional()
});
const count = z.number().int();
const rowSchema = z.object({ officeId: z.string(), nameEn: z.string(), nameBn: z.string(), received: count, approved: count, rejected: count, pending: count, beyondSla: count, compliancePercent: z.number().nullable() });
const summarySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    scope: z.object({ officeId: z.string(), nameEn: z.string(), nameBn: z.string() }),
    generatedAt: z.string(),
    totals: z.object({
      received: count,
      disposed: count,
      approved: count,
      rejected: count,
      pendingByStep: z.object({ scrutiny: count, enquiry: count, approval: count, sentBack: count }),
      pendingBeyondSla: count,
      compliancePercent: z.number().nullable(),
      medianDisposalDays: z.number().nullable(),
      p90DisposalDays: z.number().nullable()
    }),
    channels: z.object({ web: count, kiosk: count, csc: count }),
    rejectionReasons: z.array(z.object({ reason: z.string(), count })),
    blocks: z.array(rowSchema),
    // Issue 15: the report's level; at the state level the table has a row per district (`districts`) and
    // `blocks` is empty, at every other level the reverse.
    level: z.enum(['state', 'district', 'subdivision', 'block']),
    districts: z.array(rowSchema),
    // The offices from the district down to the report's own, for the breadcrumbs (empty for the state).
    trail: z.array(z.object({ officeId: z.string(), kind: z.string(), nameEn: z.string(), nameBn: z.string() })),
    // The blocks and municipal areas of the reader's whole jurisdiction, whatever the report narrows to: the report
    // form's choice of office, so a report of one block needs no second report to offer the others. Empty for the
    // state officer, who moves between the 368 offices by the report's own links instead.
    offices: z.array(z.object({ officeId: z.string(), nameEn: z.string(), nameBn: z.string() }))
  })
  .openapi('MisSummary');

const DAY = 86_400_000;
/** The scope a state-level MIS record is kept under (mis_records.scope names an office otherwise). */
const STATE_SCOPE = 'state';

const misRecordSchema = z
  .object({
    id: z.string(),
    pdfSha256: z.string(),
    generatedBy: z.string(),
    generatedAt: z.string(),
    scope: z.string(),
    periodFrom: z.string(),
    periodTo: z.string(),
    lang: z.string(),
    pdfUrl: z.string()
  })
  .openapi('MisRecord');

export function misRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  /** The period (default: the last 30 days) and the blocks: the caller's jurisdiction, or one block of it. */
  async function load(c: Parameters<Parameters<typeof app.openapi>[1]>[0], q: z.infer<typeof query>) {
    const { user } = currentUser(c);
    const now = deps.clock.now();
    const to = q.to ?? kolkataDate(now);
    const from = q.from ?? kolkataDate(new Date(Date.parse(to + 'T12:00:00Z') - 29 * DAY));
    if (from > to) throw new ApiError(400, 'validation', { fields: { from: 'field.date_order' } });
    if (Date.parse(to) - Date.parse(from) > 5 * 366 * DAY) throw new ApiError(400, 'validation', { fields: { from: 'field.date_range' } });
    const where = await misScope(deps.sql, user, q);
    const blocks = where.blocks;
    const summary = await misSummary(deps.sql, blocks.map((b) => b.id), from, to, now);
    const rows = await scopeRows(deps.sql, where, summary.blocks);
    // The state has no office row: its report is named by the glossary's state and recorded under STATE_SCOPE.
    const scope = where.office ?? { id: STATE_SCOPE, code: 'wb', nameEn: glossary.state.en, nameBn: glossary.state.bn };
    return { user, now, scope, where, blocks, summary, rows };
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mis/summary',
      tags: ['mis'],
      summary: 'MIS summary of a period (Kolkata dates, both included; default the last 30 days) for the caller jurisdiction or one block of it',
      middleware: [requirePermission('mis:read')] as const,
      request: { query },
      responses: { 200: { description: 'Summary', content: { 'application/json': { schema: summarySchema } } }, ...errorResponses(400, 401, 403) }
    }),
    async (c) => {
      const { user, now, scope, where, summary, rows } = await load(c, c.req.valid('query'));
      c.header('Cache-Control', 'no-store');
      const state = where.level === 'state';
      return c.json(
        {
          ...summary,
          scope: { officeId: scope.id, nameEn: scope.nameEn, nameBn: scope.nameBn },
          generatedAt: now.toISOString(),
          level: where.level,
          blocks: state ? [] : rows,
          districts: state ? rows : [],
          trail: where.trail.map((o) => ({ officeId: o.id, kind: o.kind, nameEn: o.nameEn, nameBn: o.nameBn })),
          offices: user.role === 'state' || where.reach.length < 2 ? [] : where.reach.map((o) => ({ officeId: o.id, nameEn: o.nameEn, nameBn: o.nameBn }))
        },
        200
      );
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mis/summary.csv',
      tags: ['mis'],
      summary: 'The per-block table of the summary as CSV, with a total row',
      middleware: [requirePermission('mis:read')] as const,
      request: { query },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403) }
    }),
    async (c) => {
      const { summary, where, rows, scope } = await load(c, c.req.valid('query'));
      const cell = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);
      const lines = [[where.level === 'state' ? 'district' : 'block', 'received', 'approved', 'rejected', 'pending', 'beyond_sla', 'on_time_percent'].join(',')];
      for (const b of rows) lines.push([b.nameEn, b.received, b.approved, b.rejected, b.pending, b.beyondSla, b.compliancePercent].map(cell).join(','));
      const t = summary.totals;
      const pending = t.pendingByStep.scrutiny + t.pendingByStep.enquiry + t.pendingByStep.approval + t.pendingByStep.sentBack;
      lines.push(['Total', t.received, t.approved, t.rejected, pending, t.pendingBeyondSla, t.compliancePercent].map(cell).join(','));
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="mis-${scope.code}-${summary.from}-${summary.to}.csv"`);
      c.header('Cache-Control', 'no-store');
      return c.body(lines.join('\r\n') + '\r\n', 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mis/summary.pdf',
      tags: ['mis'],
      summary: 'The summary as a PDF record: generation time, officer, offices and period on every page',
      middleware: [requirePermission('mis:read')] as const,
      request: { query },
      responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: binaryFile } } }, ...errorResponses(400, 401, 403) }
    }),
    async (c) => {
      const { user, now, summary, where, rows, scope } = await load(c, c.req.valid('query'));
      const lang = c.get('lang');
      const local = misLocalLang(lang);
      const localName = (o: { nameEn: string; nameBn: string }) => placeName(o, local);
      // The PDF an officer downloads is the record (seed §D): its bytes are kept, under a number printed on every
      // page, with who made it and when, and GET /api/mis/records/{id}/pdf gives the same bytes back.
      const recordId = randomUUID();
      const bytes = await renderMisPdf(summary, {
        recordId,
        scope: { en: scope.nameEn, local: localName(scope) },
        generatedAt: now,
        generatedBy: `${user.name} (${user.role.toUpperCase()}, ${user.id})`,
        rows: rows.map((r) => ({ ...r, en: r.nameEn, local: localName(r) })),
        rowsAreDistricts: where.level === 'state',
        district: where.trail[0] ? { en: where.trail[0].nameEn, local: localName(where.trail[0]) } : null,
        lang
      });
      const pdfSha256 = await deps.storage.put(Buffer.from(bytes));
      await keepMisRecord(deps.sql, { id: recordId, pdfSha256, generatedBy: user.id, generatedAt: now, scope: scope.id, periodFrom: summary.from, periodTo: summary.to, lang });
      c.var.deps.log.info('mis_pdf', { by: user.id, record: recordId });
      c.header('Content-Type', 'application/pdf');
      c.header('Content-Disposition', `attachment; filename="mis-${scope.code}-${summary.from}-${summary.to}.pdf"`);
      c.header('Cache-Control', 'no-store');
      c.header('X-Record-Id', recordId);
      c.header('X-Content-SHA256', pdfSha256);
      return c.body(bytes as unknown as ArrayBuffer, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mis/records/{id}',
      tags: ['mis'],
      summary: 'A kept MIS record: who made it, when, for which offices and period, and the SHA-256 of its PDF',
      middleware: [requirePermission('mis:read')] as const,
      request: { params: z.object({ id: z.uuid('field.invalid') }) },
      responses: { 200: { description: 'The record', content: { 'application/json': { schema: misRecordSchema } } }, ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      const record = await readableRecord(c, c.req.valid('param').id);
      c.header('Cache-Control', 'no-store');
      return c.json(
        { ...record, generatedAt: record.generatedAt.toISOString(), pdfUrl: `/api/mis/records/${record.id}/pdf` },
        200
      );
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mis/records/{id}/pdf',
      tags: ['mis'],
      summary: 'The PDF of a kept MIS record, byte for byte as it was first downloaded (checked against its SHA-256)',
      middleware: [requirePermission('mis:read')] as const,
      request: { params: z.object({ id: z.uuid('field.invalid') }) },
      responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: binaryFile } } }, ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      const record = await readableRecord(c, c.req.valid('param').id);
      const bytes = await deps.storage.get(record.pdfSha256);
      // A record that no longer matches its hash is not the record: refuse rather than hand out something else.
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== record.pdfSha256) throw new Error(`mis record ${record.id}: stored bytes missing or changed`);
      c.header('Content-Type', 'application/pdf');
      c.header('Content-Disposition', `attachment; filename="mis-record-${record.id}.pdf"`);
      c.header('Cache-Control', 'no-store');
      c.header('X-Content-SHA256', record.pdfSha256);
      return c.body(new Uint8Array(bytes) as unknown as ArrayBuffer, 200);
    }
  );

  /** The record, for its maker or an officer whose jurisdiction covers its offices; otherwise 404 (no hint it exists). */
  async function readableRecord(c: Parameters<Parameters<typeof app.openapi>[1]>[0], id: string) {
    const { user } = currentUser(c);
    const record = await getMisRecord(deps.sql, id);
    if (!record) throw new ApiError(404, 'mis_record_unknown');
    if (record.generatedBy !== user.id) {
      const covered = await blocksCovered(deps.sql, user);
      const [place, own] = await Promise.all([getOffice(deps.sql, record.scope), user.officeId ? getOffice(deps.sql, user.officeId) : null]);
      // A state-level record is readable by those whose reach is everywhere (the state officers, issue 15).
      const inReach =
        covered.some((b) => b.id === record.scope) ||
        (!!place && covers(user, own, place)) ||
        (record.scope === STATE_SCOPE && covered.length > 0 && reach[user.role] === 'everywhere');
      if (!inReach) throw new ApiError(404, 'mis_record_unknown');
    }
    return record;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mis/operations',
      tags: ['mis'],
      summary: 'For the DM and the SDO (issue 13): disposal and on-time share per officer, appeals under the RTPS Act, and counter activity, over a period',
      middleware: [requirePermission('mis:read')] as const,
      request: { query },
      responses: {
        200: {
          description: 'Operations',
          content: {
            'application/json': {
              schema: z
                .object({
                  from: z.string(),
                  to: z.string(),
                  officers: z.array(z.object({ officerId: z.string(), name: z.string(), role: z.string(), officeName: z.string(), officeNameBn: z.string(), decided: count, approved: count, rejected: count, onTime: count, onTimePercent: z.number().nullable() })),
                  appeals: z.object({ filed: count, decided: count, pending: count, allowed: count, dismissed: count, overdue: count, penalties: count, penaltyRupees: count }),
                  counters: z.array(z.object({ counterId: z.string(), nameEn: z.string(), nameBn: z.string(), kind: z.string(), filed: count, prints: count, copies: count }))
                })
                .openapi('MisOperations')
            }
          }
        },
        ...errorResponses(400, 401, 403)
      }
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { user } = currentUser(c);
      // The people who run a subdivision or the district; a BDO's own block is in the summary.
      if (user.role !== 'dm' && user.role !== 'sdo') throw new ApiError(403, 'forbidden');
      const { now, summary, blocks } = await load(c, q);
      const office = (await getOffice(deps.sql, user.officeId!))!;
      const ops = await misOperations(deps.sql, blocks.map((b) => b.id), office.districtId, user.role === 'sdo' ? office.id : null, summary.from, summary.to, now);
      c.header('Cache-Control', 'no-store');
      return c.json({ from: summary.from, to: summary.to, ...ops }, 200);
    }
  );

  return app;
}
