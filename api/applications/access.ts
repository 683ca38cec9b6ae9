// Loading an application, for reading (with the access check in the same place, so no route can forget it) or for
// a decision (locked until the transaction ends).
import { canReadApplication } from '../authz.ts';
import type { Queryable } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { getOffice, type Office } from '../offices/offices.ts';
import type { User } from '../users/user.ts';
import type { Status } from './workflow.ts';
import { authorityOver } from './authority.ts';

export interface ApplicationRow {
  id: string;
  ain: string;
  status: Status;
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
  slaStartedAt: Date;
  updatedAt: Date;
  /** Why it was rejected or sent back, while it is. */
  decisionCode: string | null;
  decisionRemarks: string | null;
  /** Who holds the BDO's powers on it after the DM took it over on escalation (issue 13), until it is decided. */
  handlerId: string | null;
}

/**
 * `forUpdate` locks the row FOR NO KEY UPDATE, which is what the UPDATE that follows takes anyway (no action changes
 * a key column: the id, the AIN, or who filed it under which idempotency key): it still puts two actions on one
 * application in turn, but lets rows that refer to the application be inserted meanwhile. FOR UPDATE also blocked
 * the KEY SHARE lock that a foreign key's check takes, and the SLA sweep's inserts check their foreign key to the
 * application after writing their rows, unique key entries included: an officer who held the row and
 * then recorded the late step under the same unique key waited for the sweep that waited for them, and PostgreSQL
 * aborted one of the two (40P01; test/integration/sla-locks.test.ts).
 */
async function findApplication(sql: Queryable, where: { ain: string } | { id: string }, forUpdate = false): Promise<ApplicationRow | null> {
  const [row] = await sql<ApplicationRow[]>`
    select id::text, ain, status, version, applicant_id, filed_by, assigned_eo_id, channel, office_id, applicant_name, form,
           submitted_at, due_at, sla_started_at, updated_at, decision_code, decision_remarks, handler_id
    from applications
    where ${'ain' in where ? sql`ain = ${where.ain}` : sql`id = ${where.id}`}
    ${forUpdate ? sql`for no key update` : sql``}`;
  return row ?? null;
}

/** The application as it is now, not locked (a decision checks its version again under the lock); 404 when none. */
export async function readApplication(sql: Queryable, ain: string): Promise<ApplicationRow> {
  const app = await findApplication(sql, { ain });
  if (!app) throw new ApiError(404, 'not_found');
  return app;
}

/** The application, row-locked for a decision inside the caller's transaction; 404 when there is none. */
export async function lockApplication(sql: Queryable, ain: string): Promise<ApplicationRow> {
  const app = await findApplication(sql, { ain }, true);
  if (!app) throw new ApiError(404, 'not_found');
  return app;
}

/**
 * The application and its block office if the user may read it; 404 when there is none, 403 when it is not theirs
 * to see.
 */
export async function applicationForReader(sql: Queryable, user: User, where: { ain: string } | { id: string }, at?: Date): Promise<ApplicationRow & { office: Office }> {
  const app = await findApplication(sql, where);
  if (!app) throw new ApiError(404, 'not_found');
  const [office, actorOffice] = await Promise.all([getOffice(sql, app.officeId), user.officeId ? getOffice(sql, user.officeId) : null]);
  if (!office) throw new ApiError(403, 'forbidden');
  if (canReadApplication(user, actorOffice, app, office)) return { ...app, office };
  // Issue 13: an officer on acting charge of the office, or to whom the DM handed it on escalation, reads it too.
  if (!['citizen', 'operator', 'state', 'admin'].includes(user.role) && at) {
    const { standing } = await authorityOver(sql, user, app, at);
    if (standing.isBlockBdo || standing.isAssignedEo) return { ...app, office };
  }
  throw new ApiError(403, 'forbidden');
}
