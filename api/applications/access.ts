// Loading an application for a caller, with the access check in the same place so no route can forget it.
import { canReadApplication } from '../authz.ts';
import type { Sql } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { getOffice } from '../offices/offices.ts';
import type { User } from '../users/user.ts';

export interface ApplicationRow {
  id: string;
  ain: string;
  status: string;
  version: number;
  applicantId: string;
  filedBy: string;
  assignedEoId: string | null;
  channel: 'web' | 'kiosk' | 'csc';
  officeId: string;
  applicantName: string;
  form: Record<string, unknown>;
  submittedAt: Date;
  dueAt: Date;
  updatedAt: Date;
}

export async function findApplication(sql: Sql, where: { ain: string } | { id: string }): Promise<ApplicationRow | null> {
  const [row] = await sql<ApplicationRow[]>`
    select id::text, ain, status, version, applicant_id, filed_by, assigned_eo_id, channel, office_id, applicant_name, form,
           submitted_at, due_at, updated_at
    from applications
    where ${'ain' in where ? sql`ain = ${where.ain}` : sql`id = ${where.id}`}`;
  return row ?? null;
}

/** The application if the user may read it; 404 when there is none, 403 when it is not theirs to see. */
export async function applicationForReader(sql: Sql, user: User, where: { ain: string } | { id: string }): Promise<ApplicationRow> {
  const app = await findApplication(sql, where);
  if (!app) throw new ApiError(404, 'not_found');
  const [place, actorOffice] = await Promise.all([getOffice(sql, app.officeId), user.officeId ? getOffice(sql, user.officeId) : null]);
  if (!place || !canReadApplication(user, actorOffice, app, place)) throw new ApiError(403, 'forbidden');
  return app;
}
