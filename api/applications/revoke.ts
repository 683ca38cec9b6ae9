// The District Magistrate revokes a certificate (DESIGN §9), a step of the workflow like every other: one
// transaction that locks the application, asks workflow.ts whether this person may revoke it now, marks the
// certificate revoked, appends the audit event and writes the holder's messages (notifyStep). The application keeps
// its status and version; what changes is the certificate, which verification, tracking and the counters then refuse.
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import type { User } from '../users/user.ts';
import { authorityOf, refusal } from './act.ts';
import { lockApplication } from './access.ts';
import { appendEvent } from './audit.ts';
import { notifyStep } from './notify.ts';
import { decide } from './workflow.ts';

export async function revokeCertificate(deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'log'>, actor: User, certificateNo: string, reason: string): Promise<{ revokedAt: Date }> {
  const now = deps.clock.now();
  await deps.sql.begin(async (sql) => {
    const [issued] = await sql<{ ain: string }[]>`
      select a.ain from certificates c join applications a on a.id = c.application_id where c.certificate_no = ${certificateNo}`;
    if (!issued) throw new ApiError(404, 'certificate_unknown');
    // The application first, then its certificate: the order a hand-over takes them in (act.ts), so the two never
    // wait on each other.
    const app = await lockApplication(sql, issued.ain);
    const [certificate] = await sql<{ revokedAt: Date | null }[]>`
      select revoked_at from certificates where certificate_no = ${certificateNo} for update`;
    const authority = await authorityOf(sql, actor, app, now);
    // The DM acts on the certificate, not on a screen of the application, so the version seen is the current one.
    const decision = decide(app, 'revoke_certificate', app.version, authority.standing);
    if (!decision.ok) throw refusal(decision);
    if (certificate!.revokedAt) throw new ApiError(409, 'certificate_revoked');
    await sql`
      update certificates set revoked_at = ${now}, revoked_by = ${actor.id}, revoke_reason = ${reason}
      where certificate_no = ${certificateNo}`;
    await appendEvent(sql, {
      applicationId: app.id,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'revoke_certificate',
      fromStatus: app.status,
      toStatus: decision.to,
      remarks: `${certificateNo}: ${reason}`,
      channel: null,
      at: now,
      capacity: authority.capacity
    });
    // To the holder's account and to the form's mobile and email, like every message about the application (DESIGN §12).
    await notifyStep(deps, sql, { ...app, stepDueAt: null }, 'revoke_certificate', now, { certificateNo, remarks: reason });
  });
  deps.log.info('certificate_revoked', { by: actor.id });
  return { revokedAt: now };
}
