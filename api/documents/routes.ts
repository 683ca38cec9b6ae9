// Uploads (DESIGN §7): one file per request, judged by its bytes; stored content-addressed under a name the
// server chooses; served back only to someone with a right to its application, as an attachment, never cached.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { acceptedProofs, documentKinds } from '../../shared/application.ts';
import { applicationForReader } from '../applications/access.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requestHeader, requirePermission } from '../http/middleware.ts';
import { binaryFile, errorResponses } from '../http/schemas.ts';
import { takeAttempt } from '../auth/throttle.ts';
import { sha256Hex } from '../storage/storage.ts';
import { getDocument, recordPreview, storeUpload } from './documents.ts';
import { inspectUpload, makePreview, type Mime } from './inspect.ts';
import { readUploadForm, UploadFormRejected } from './multipart.ts';

// Citizens and counters upload the application's documents; an Enquiry Officer only photos taken on the visit.
// 'appeal': a document filed with an appeal under the RTPS Act (issue 13), by the citizen or the counter.
const uploadKinds = [...documentKinds, 'field_photo', 'appeal'] as const;
type UploadKind = (typeof uploadKinds)[number];
const proofsOf: Record<UploadKind, readonly string[]> = { ...acceptedProofs, field_photo: ['field_photo'], appeal: ['appeal_document'] };

/** What an upload is stored as, judged by its bytes (inspect.ts). */
const storedTypes = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const satisfies readonly Mime[];

const documentSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(uploadKinds),
    proof: z.string(),
    sha256: z.string().openapi({ example: 'a3f1…' }),
    size: z.number().int(),
    mime: z.enum(storedTypes)
  })
  .openapi('Document');

/** The upload form, as the OpenAPI document describes it (the handler checks each field itself). */
const uploadFormSchema = {
  type: 'object' as const,
  properties: {
    file: { type: 'string' as const, format: 'binary' },
    kind: { type: 'string' as const, enum: [...uploadKinds] },
    proof: { type: 'string' as const, description: 'Which accepted proof this is; see shared/application.ts' }
  },
  required: ['file', 'kind']
};

export function documentRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  const limit = deps.config.uploadSizeLimit;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/documents',
      tags: ['documents'],
      summary: 'Upload one file of a document (JPEG, PNG, WebP or PDF); EXIF is removed from images',
      middleware: [requirePermission('documents:upload')] as const,
      request: {
        body: {
          required: true,
          content: {
            // Described, not validated by the library: a zod schema here would make @hono/zod-openapi parse the body
            // with Hono's parseBody; the handler reads it with busboy instead (./multipart.ts) and checks every field.
            'multipart/form-data': { schema: uploadFormSchema }
          }
        }
      },
      responses: {
        201: { description: 'Stored', content: { 'application/json': { schema: documentSchema } } },
        ...errorResponses(400, 401, 403, 413, 415, 429, 507)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const type = c.req.header('content-type') ?? '';
      if (!type.toLowerCase().startsWith('multipart/form-data')) throw new ApiError(415, 'multipart_expected');
      const form = await readUploadForm(
        c.env?.incoming ? { incoming: c.env.incoming } : { body: c.req.raw.body },
        { contentType: type, contentLength: requestHeader(c, 'content-length') },
        { fileBytes: limit, bodyBytes: limit + 64 * 1024 } // the form fields around the file need a little room
      ).catch((err: unknown) => {
        if (err instanceof UploadFormRejected && err.reason === 'too_large') {
          throw new ApiError(413, 'file_too_large', { vars: { mb: Math.round(limit / 1048576) }, headers: { Connection: 'close' } });
        }
        if (!(err instanceof UploadFormRejected)) throw err; // a fault of ours, not of the form: a 500 that is logged
        // A field too long is named; anything else broken in the form is about its file.
        if (err.field === 'kind') throw new ApiError(400, 'validation', { fields: { kind: 'field.kind' } });
        if (err.field === 'proof') throw new ApiError(400, 'validation', { fields: { proof: 'field.proof' } });
        throw new ApiError(400, 'validation', { fields: { file: 'field.file' } });
      });
      const { kind } = form.fields;
      const mayUpload: readonly string[] = user.role === 'eo' ? ['field_photo'] : [...documentKinds, 'appeal'];
      if (typeof kind !== 'string' || !mayUpload.includes(kind)) {
        throw new ApiError(400, 'validation', { fields: { kind: 'field.kind' } });
      }
      const accepted = proofsOf[kind as UploadKind];
      const proof = form.fields.proof || (accepted.length === 1 ? accepted[0]! : '');
      if (!accepted.includes(proof)) throw new ApiError(400, 'validation', { fields: { proof: 'field.proof' } });
      if (!form.file) throw new ApiError(400, 'validation', { fields: { file: 'field.file' } });

      // The hourly rate is counted before the file is looked at, like a login attempt (api/auth/throttle.ts).
      const { perHour } = deps.config.uploads;
      const wait = await takeAttempt(deps, [{ kind: 'upload', value: user.id, rule: { limit: perHour, windowMs: 3_600_000 } }]);
      if (wait > 0) {
        throw new ApiError(429, 'upload_rate', { vars: { minutes: Math.ceil(wait / 60_000) }, headers: { 'Retry-After': String(Math.ceil(wait / 1000)) } });
      }

      const inspected = await inspectUpload(form.file.bytes);
      if (!inspected.ok) throw new ApiError(inspected.reason === 'file_type' ? 415 : 400, inspected.reason, { fields: { file: 'field.file' } });
      if (kind === 'field_photo' && inspected.mime === 'application/pdf') throw new ApiError(415, 'photo_type', { fields: { file: 'field.file' } });
      const sha256 = sha256Hex(inspected.bytes);
      const size = inspected.bytes.length;
      const id = await storeUpload(deps, { uploadedBy: user.id, kind, proof, bytes: inspected.bytes, sha256, mime: inspected.mime });
      return c.json({ id, kind: kind as UploadKind, proof, sha256, size, mime: inspected.mime }, 201);
    }
  );

  /** Made on first request and kept: most uploads are never previewed twice, and many never at all. */
  async function previewOf(id: string, doc: { sha256: string; previewSha256: string | null; mime: string }): Promise<Buffer | null> {
    if (doc.mime === 'application/pdf') return null;
    if (doc.previewSha256) return deps.storage.get(doc.previewSha256);
    const original = await deps.storage.get(doc.sha256);
    const preview = original ? await makePreview(original) : null;
    if (!preview) return null;
    await recordPreview(deps.sql, id, await deps.storage.put(preview));
    return preview;
  }

  for (const variant of ['file', 'preview'] as const) {
    app.openapi(
      createRoute({
        method: 'get',
        path: variant === 'file' ? '/documents/{id}' : '/documents/{id}/preview',
        tags: ['documents'],
        summary: variant === 'file' ? 'Download a document (only with a right to its application)' : 'A small JPEG preview of an image document',
        request: { params: z.object({ id: z.uuid('field.invalid') }) },
        responses: {
          200: {
            description: variant === 'file' ? 'The file, in the type it was judged to be on upload' : 'A JPEG',
            content: Object.fromEntries((variant === 'file' ? storedTypes : ['image/jpeg']).map((type) => [type, { schema: binaryFile }]))
          },
          ...errorResponses(400, 401, 403, 404)
        }
      }),
      async (c) => {
        const { user } = currentUser(c);
        const { id } = c.req.valid('param');
        const doc = await getDocument(deps.sql, id);
        if (!doc) throw new ApiError(404, 'not_found');
        if (doc.applicationId) await applicationForReader(deps.sql, user, { id: doc.applicationId }, deps.clock.now());
        else if (doc.uploadedBy !== user.id) throw new ApiError(403, 'forbidden');
        // The field photos are part of the EO's report, which stays with the officers (DESIGN §12).
        if (doc.kind === 'field_photo' && (user.role === 'citizen' || user.role === 'operator')) throw new ApiError(403, 'forbidden');

        const bytes = variant === 'file' ? await deps.storage.get(doc.sha256) : await previewOf(id, doc);
        if (!bytes) throw new ApiError(404, 'not_found');
        const mime = variant === 'file' ? doc.mime : 'image/jpeg';
        const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' }[mime] ?? 'bin';
        return c.body(new Uint8Array(bytes), 200, {
          'Content-Type': mime,
          'Content-Disposition': `${variant === 'file' ? 'attachment' : 'inline'}; filename="${doc.kind}-${id.slice(0, 8)}.${extension}"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff'
        });
      }
    );
  }
  return app;
}
