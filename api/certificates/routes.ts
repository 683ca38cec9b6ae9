// Public verification and revocation of certificates (DESIGN §6, §9). Anyone holding a certificate number — a
// bank, a school, the QR on the paper — learns whether it is valid or revoked, whose it is, when and where it was
// issued, and whether the stored PDF still carries an intact signature from a trusted officer credential.
import { createHash } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { multilineText } from '../../shared/text.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { perClientLimit } from '../http/rate-limit.ts';
import { errorResponses } from '../http/schemas.ts';
import { districtSealPublicKeyPem } from '../signing/seal-key.ts';
import { printedFacts } from './issue.ts';
import { certificateByNumber } from './lookup.ts';
import { revokeCertificate } from '../applications/revoke.ts';
import { openSeal } from './seal.ts';
import { formatAin } from '../../shared/ain.ts';
import { verifyCertificatePdf } from './sign.ts';
import { trustAnchors } from '../signing/trust.ts';

const certificateNo = z.string().regex(/^ORC-\d{4}-\d{5}-\d{6}$/, 'field.certificate_no').openapi({ example: 'ORC-2026-11002-000017' });

const verification = z
  .object({
    certificateNo: z.string(),
    status: z.enum(['valid', 'revoked']),
    name: z.string(),
    ain: z.string().openapi({ example: '26 11 002 000017 3' }),
    issuedAt: z.string(),
    printed: z
      .object({
        gender: z.enum(['female', 'male', 'transgender']),
        guardianRelation: z.enum(['father', 'mother', 'spouse']),
        guardianName: z.string(),
        address: z.string(),
        yearsOfResidence: z.number().int(),
        officer: z.string()
      })
      .openapi({ description: 'Every other fact printed on the certificate, as sealed in its QR code, to compare with the paper' }),
    office: z.object({ nameEn: z.string(), nameBn: z.string() }),
    revokedAt: z.string().nullable(),
    revokeReason: z.string().nullable(),
    signature: z.object({
      valid: z.boolean(),
      signer: z.string().nullable(),
      // issue 14: what the check looked at — the claimed time, the RFC 3161 timestamp, the chain, revocation.
      signedAt: z.string().nullable(),
      timestamp: z.object({ at: z.string(), tsa: z.string(), valid: z.boolean() }).nullable(),
      chain: z.array(z.string()),
      revocation: z.enum(['good', 'revoked', 'not-checked'])
    })
  })
  .openapi('Verification');

export function certificateRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  const limit = perClientLimit(deps);

  // A stored PDF never changes (storage names it by its hash), so its signature is checked once per process: ~20 ms
  // of CMS work a public endpoint should not repeat. The bytes are re-hashed on every read, so a file changed on
  // disk is never vouched for by an earlier check.
  type Checked = z.infer<typeof verification>['signature'];
  const checked = new Map<string, Checked>();
  async function storedSignature(sha256: string): Promise<Checked> {
    const pdf = await deps.storage.get(sha256);
    if (!pdf || createHash('sha256').update(pdf).digest('hex') !== sha256) return { valid: false, signer: null, signedAt: null, timestamp: null, chain: [], revocation: 'not-checked' };
    let result = checked.get(sha256);
    if (!result) {
      const trust = await trustAnchors(deps);
      const verified = await verifyCertificatePdf(pdf, trust.cas, trust.options);
      result = {
        valid: verified.valid,
        signer: verified.valid ? verified.signer.commonName : null,
        signedAt: verified.signedAt?.toISOString() ?? null,
        timestamp: verified.timestamp && { ...verified.timestamp, at: verified.timestamp.at.toISOString() },
        chain: verified.valid ? verified.chain : [],
        revocation: verified.revocation
      };
      if (checked.size >= 10_000) checked.clear();
      checked.set(sha256, result);
    }
    return result;
  }

  // Registered before /verify/{certificateNo} so the key's path is never read as a certificate number.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/verify/district-key.pem',
      tags: ['public'],
      summary: "The district's public key, to check a QR code's seal offline (scripts/verify-qr.ts)",
      responses: { 200: { description: 'PEM', content: { 'application/x-pem-file': { schema: z.string() } } } }
    }),
    async (c) => c.body(await districtSealPublicKeyPem(deps), 200, { 'Content-Type': 'application/x-pem-file', 'Cache-Control': 'public, max-age=3600' })
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/verify/{certificateNo}',
      middleware: [limit] as const,
      tags: ['public'],
      summary: 'Whether a certificate is valid or revoked, whose it is, and whether its stored signature holds',
      request: { params: z.object({ certificateNo }) },
      responses: { 200: { description: 'The verification', content: { 'application/json': { schema: verification } } }, ...errorResponses(400, 404, 429) }
    }),
    async (c) => {
      const no = c.req.valid('param').certificateNo;
      const row = await certificateByNumber(deps.sql, no);
      if (!row) throw new ApiError(404, 'certificate_unknown');
      const signature = await storedSignature(row.pdfSha256);
      // The facts as sealed at issue, which are what the paper prints; a v1 seal (five fields) predates them, and
      // the same facts are then worked out from the form as the certificate was rendered.
      const opened = openSeal(await districtSealPublicKeyPem(deps), row.seal);
      const printed = (opened.ok && opened.fields.printed) || printedFacts(row.form, row.nameEn, row.districtNameEn, row.officer);
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          certificateNo: no,
          status: row.revokedAt ? ('revoked' as const) : ('valid' as const),
          name: row.name,
          ain: formatAin(row.ain),
          issuedAt: row.issuedAt.toISOString(),
          printed,
          office: { nameEn: row.nameEn, nameBn: row.nameBn },
          revokedAt: row.revokedAt?.toISOString() ?? null,
          revokeReason: row.revokeReason,
          signature
        },
        200
      );
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/certificates/{certificateNo}/revoke',
      tags: ['certificates'],
      summary: 'The District Magistrate revokes a certificate of the district, with a reason',
      middleware: [requirePermission('certificates:revoke')] as const,
      request: {
        params: z.object({ certificateNo }),
        body: { required: true, content: { 'application/json': { schema: z.object({ reason: multilineText(5, 1000, 'field.remarks') }) } } }
      },
      responses: { 200: { description: 'Revoked', content: { 'application/json': { schema: verification.pick({ certificateNo: true, status: true, revokedAt: true, revokeReason: true }) } } }, ...errorResponses(400, 401, 403, 404, 409) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const no = c.req.valid('param').certificateNo;
      const { reason } = c.req.valid('json');
      const { revokedAt } = await revokeCertificate(c.var.deps, user, no, reason);
      return c.json({ certificateNo: no, status: 'revoked' as const, revokedAt: revokedAt.toISOString(), revokeReason: reason }, 200);
    }
  );

  return app;
}
