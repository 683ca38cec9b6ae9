// Staff who come and go (issue 13 item 1; DESIGN §13): deactivate and reactivate, transfer, change of role. Work
// belongs to offices, not to people: a transfer moves the person and leaves the applications where they are, and the
// work a departing officer held is listed so that the office can hand it on. Every change is one row in
// staff_changes, written in the same transaction as the change.
import { invalidateUserSessions } from '../auth/session.ts';
import { officeKindsFor, type Role, type StaffRole } from '../authz.ts';
import type { Queryable, Sql } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { getOffice, type Office } from '../offices/offices.ts';
import { rules } from '../applications/workflow.ts';
import { openStatuses } from '../../shared/workflow.ts';
import type { User } from './user.ts';

export type StaffAction = 'create' | 'deactivate' | 'reactivate' | 'transfer' | 'change_role' | 'acting_charge' | 'acting_charge_ended' | 'attach_counter';

export interface StaffChange {
  action: StaffAction;
  fromRole: string | null;
  toRole: string | null;
  fromOfficeId: string | null;
  toOfficeId: string | null;
  remarks: string | null;
  byUserId: string;
  byName: string;
  at: Date;
}

export interface OpenWork {
  ain: string;
  status: string;
  officeId: string;
  /** Why it is listed: an enquiry the person holds, an application of the office they head, one they must resubmit. */
  kind: 'enquiry' | 'office_queue' | 'to_resubmit' | 'handled';
}

export interface StaffRecord {
  id: string;
  name: string;
  mobile: string;
  email: string | null;
  role: Role;
  officeId: string | null;
  officeName: string | null;
  deactivatedAt: Date | null;
}

export async function recordStaffChange(
  sql: Queryable,
  change: Omit<StaffChange, 'byName' | 'fromRole' | 'toRole' | 'fromOfficeId' | 'toOfficeId' | 'remarks'> &
    Partial<Pick<StaffChange, 'fromRole' | 'toRole' | 'fromOfficeId' | 'toOfficeId' | 'remarks'>> & { userId: string }
): Promise<void> {
  await sql`
    insert into staff_changes (user_id, action, from_role, to_role, from_office_id, to_office_id, remarks, by_user_id, at)
    values (${change.userId}, ${change.action}, ${change.fromRole ?? null}, ${change.toRole ?? null}, ${change.fromOfficeId ?? null},
            ${change.toOfficeId ?? null}, ${change.remarks ?? null}, ${change.byUserId}, ${change.at})`;
}

/**
 * `lock` takes the row FOR NO KEY UPDATE: it puts two changes to one account in turn, but not the messages that refer to
 * it. With FOR UPDATE, a transfer that held the officer's row and waited for an application another officer held,
 * while that officer waited for the SLA sweep, which waited for the officer's row to write a message, was a deadlock
 * (test/integration/sla-locks.test.ts).
 */
async function loadStaff(sql: Queryable, id: string, lock = false): Promise<StaffRecord | null> {
  const [row] = await sql<StaffRecord[]>`
    select u.id, u.name, u.mobile, u.email, u.role, u.office_id, o.name_en as office_name, u.deactivated_at
    from users u left join offices o on o.id = u.office_id
    where u.id = ${id} and u.role <> 'citizen'
    ${lock ? sql`for no key update of u` : sql``}`;
  return row ?? null;
}

/**
 * Whether `manager` may change this account: the administrator any staff account but their own; the DM those posted
 * in the district, except DMs and administrators. 404 for no such staff account, 403 for one out of reach.
 */
async function staffInReach(sql: Queryable, manager: User, id: string): Promise<StaffRecord> {
  const target = await loadStaff(sql, id, true);
  if (!target) throw new ApiError(404, 'not_found');
  if (target.id === manager.id) throw new ApiError(403, 'staff_self');
  if (manager.role === 'admin') return target;
  if (manager.role !== 'dm' || target.role === 'dm' || target.role === 'admin' || !target.officeId) throw new ApiError(403, 'forbidden');
  const office = await getOffice(sql, target.officeId);
  if (!office || office.districtId !== manager.officeId) throw new ApiError(403, 'forbidden');
  return target;
}

/** The office a role is to be posted to: it must exist, fit the role, and lie in a DM's district. */
async function postingFor(sql: Queryable, manager: User, role: StaffRole, officeId: string): Promise<Office> {
  const office = await getOffice(sql, officeId);
  if (!office || !officeKindsFor[role].includes(office.kind) || office.closedAt) throw new ApiError(400, 'validation', { fields: { officeId: 'field.office' } });
  if (manager.role === 'dm' && (role === 'dm' || office.districtId !== manager.officeId)) throw new ApiError(403, 'forbidden');
  return office;
}

// An enquiry is held while its report is due; the office's queue is what its BDO decides on (the workflow's rules).
const officeDecides = [...new Set([...rules.forward_to_eo.from, ...rules.approve.from])];

/** What a person holds that others must pick up: listed on deactivation and transfer, and on the user's page. */
export async function openWorkOf(sql: Queryable, user: { id: string; role: Role; officeId: string | null }): Promise<OpenWork[]> {
  return sql<OpenWork[]>`
    select ain, status, office_id, 'enquiry' as kind from applications
    where assigned_eo_id = ${user.id} and status = any(${rules.submit_report.from})
    union all
    select ain, status, office_id, 'handled' from applications
    where handler_id = ${user.id} and status = any(${openStatuses})
    union all
    select ain, status, office_id, 'to_resubmit' from applications
    where ${user.role === 'operator'} and filed_by = ${user.id} and status = 'sent_back'
    union all
    select a.ain, a.status, a.office_id, 'office_queue' from applications a
    where ${user.role === 'bdo' || user.role === 'sdo'} and a.status = any(${officeDecides})
      and a.office_id in (select ${user.officeId}::text union all select area_office_id from area_processing where processing_office_id = ${user.officeId})
    order by 1
    limit 500`;
}

export async function staffDetail(sql: Sql, manager: User, id: string) {
  const target = await sql.begin((tx) => staffInReach(tx, manager, id));
  const [changes, openWork, charges] = await Promise.all([
    sql<StaffChange[]>`
      select c.action, c.from_role, c.to_role, c.from_office_id, c.to_office_id, c.remarks, c.by_user_id, b.name as by_name, c.at
      from staff_changes c join users b on b.id = c.by_user_id
      where c.user_id = ${id} order by c.at desc, c.id desc limit 200`,
    openWorkOf(sql, target),
    sql<{ id: string; officeId: string; role: string; startsOn: string; endsOn: string; endedAt: Date | null }[]>`
      select id::text, office_id, role, starts_on::text, ends_on::text, ended_at from acting_charges
      where acting_user_id = ${id} order by starts_on desc limit 50`
  ]);
  return { user: target, changes, openWork, actingCharges: charges };
}

export async function deactivateStaff(sql: Sql, manager: User, id: string, reason: string, at: Date) {
  return sql.begin(async (tx) => {
    const target = await staffInReach(tx, manager, id);
    if (target.deactivatedAt) throw new ApiError(409, 'already_deactivated');
    await tx`update users set deactivated_at = ${at} where id = ${id}`;
    // Ends at once: the next request with any of the person's cookies finds no session.
    await invalidateUserSessions(tx, id);
    await tx`delete from push_subscriptions where user_id = ${id}`;
    await recordStaffChange(tx, { userId: id, action: 'deactivate', remarks: reason, byUserId: manager.id, at });
    return { userId: id, deactivatedAt: at, openWork: await openWorkOf(tx, target) };
  });
}

export async function reactivateStaff(sql: Sql, manager: User, id: string, reason: string, at: Date) {
  return sql.begin(async (tx) => {
    const target = await staffInReach(tx, manager, id);
    if (!target.deactivatedAt) throw new ApiError(409, 'not_deactivated');
    await tx`update users set deactivated_at = null where id = ${id}`;
    await recordStaffChange(tx, { userId: id, action: 'reactivate', remarks: reason, byUserId: manager.id, at });
    return { userId: id };
  });
}

/**
 * A transfer (same role, another office) or a change of role (and the office that goes with it). The person's
 * enquiries and the applications they handled stay with the office: they are listed for the office to reassign, and
 * the workflow no longer lets the person act on them (an EO acts only on enquiries of their own office).
 */
export async function repostStaff(sql: Sql, manager: User, id: string, input: { role?: StaffRole; officeId: string; remarks: string }, at: Date) {
  return sql.begin(async (tx) => {
    const target = await staffInReach(tx, manager, id);
    if (target.deactivatedAt) throw new ApiError(409, 'account_deactivated_staff');
    if (target.role === 'admin') throw new ApiError(403, 'forbidden');
    const role = input.role ?? (target.role as StaffRole);
    const office = await postingFor(tx, manager, role, input.officeId);
    if (role === target.role && office.id === target.officeId) throw new ApiError(409, 'no_change');
    const openWork = await openWorkOf(tx, target);
    await tx`update users set role = ${role}, office_id = ${office.id} where id = ${id}`;
    // The handler of a taken-over application is the person, not the office: that hand-over ends with the posting.
    await tx`update applications set handler_id = null where handler_id = ${id}`;
    await recordStaffChange(tx, {
      userId: id,
      action: role === target.role ? 'transfer' : 'change_role',
      fromRole: target.role,
      toRole: role,
      fromOfficeId: target.officeId,
      toOfficeId: office.id,
      remarks: input.remarks,
      byUserId: manager.id,
      at
    });
    return { userId: id, role, officeId: office.id, openWork };
  });
}
