// Acting charge (issue 13 item 2; DESIGN §13). When a BDO, an EO or an SDO is on leave, the superior names an
// officer to act in that office's name for a date range. The charge itself is looked up by date wherever a decision
// is taken (api/applications/authority.ts), so it ends by itself at the end of its last day; the superior can also
// end it early. Assigning and ending are recorded on the acting officer's page (staff_changes).
import { can } from '../authz.ts';
import type { Queryable, Sql } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { coveredSql } from '../offices/jurisdiction.ts';
import { getOffice, type Office } from '../offices/offices.ts';
import { kolkataDate } from '../time.ts';
import { recordStaffChange } from '../users/lifecycle.ts';
import type { User } from '../users/user.ts';

export type ChargeRole = 'bdo' | 'eo' | 'sdo';

export interface NewCharge {
  officeId: string;
  role: ChargeRole;
  absentUserId?: string;
  actingUserId: string;
  startsOn: string;
  endsOn: string;
  reason: string;
}

export interface Charge {
  id: string;
  officeId: string;
  officeName: string;
  role: ChargeRole;
  absentUserId: string | null;
  actingUserId: string;
  actingName: string;
  startsOn: string;
  endsOn: string;
  reason: string;
  endedAt: Date | null;
}

/** Who may act in each kind of post: an officer of a similar rank or the post below it. */
const actingRolesFor: Record<ChargeRole, readonly string[]> = {
  bdo: ['bdo', 'eo', 'sdo'],
  eo: ['eo'],
  sdo: ['sdo', 'bdo']
};

/**
 * The superior of the post: the SDO of the subdivision (or the DM) for a block's BDO or EO and for the EOs posted to
 * the subdivision; the DM for an SDO; the administrator for any.
 */
function isSuperior(assigner: User, office: Office, role: ChargeRole): boolean {
  if (assigner.role === 'admin') return true;
  if (assigner.role === 'dm') return office.districtId === assigner.officeId;
  if (assigner.role === 'sdo') return role !== 'sdo' && office.subdivisionId === assigner.officeId;
  return false;
}

function officeFits(office: Office, role: ChargeRole): boolean {
  if (role === 'sdo') return office.kind === 'subdivision';
  if (role === 'bdo') return office.kind === 'block';
  return office.kind === 'block' || office.kind === 'subdivision';
}

export async function assignCharge(sql: Sql, assigner: User, input: NewCharge, at: Date): Promise<Charge> {
  if (input.endsOn < input.startsOn) throw new ApiError(400, 'validation', { fields: { endsOn: 'field.ends_on' } });
  if (input.endsOn < kolkataDate(at)) throw new ApiError(400, 'validation', { fields: { endsOn: 'field.ends_on' } });
  return sql.begin(async (tx) => {
    const office = await getOffice(tx, input.officeId);
    if (!office || !officeFits(office, input.role)) throw new ApiError(400, 'validation', { fields: { officeId: 'field.office' } });
    if (!isSuperior(assigner, office, input.role)) throw new ApiError(403, 'forbidden');
    const [acting] = await tx<{ id: string; role: string; districtId: string | null; deactivatedAt: Date | null }[]>`
      select u.id, u.role, o.district_id, u.deactivated_at from users u left join offices o on o.id = u.office_id
      where u.id = ${input.actingUserId}`;
    if (!acting || acting.deactivatedAt || !actingRolesFor[input.role].includes(acting.role) || acting.districtId !== office.districtId) {
      throw new ApiError(400, 'validation', { fields: { actingUserId: 'field.acting_officer' } });
    }
    let absent: string | null = null;
    if (input.role === 'eo') {
      // The EO on leave: their enquiries are what the acting officer takes over.
      const [eo] = await tx<{ id: string }[]>`select id from users where id = ${input.absentUserId ?? ''} and role = 'eo' and office_id = ${office.id}`;
      if (!eo || eo.id === input.actingUserId) throw new ApiError(400, 'validation', { fields: { absentUserId: 'field.absent_officer' } });
      absent = eo.id;
    }
    const [row] = await tx<{ id: string }[]>`
      insert into acting_charges (office_id, role, absent_user_id, acting_user_id, starts_on, ends_on, reason, assigned_by, created_at)
      values (${office.id}, ${input.role}, ${absent}, ${input.actingUserId}, ${input.startsOn}, ${input.endsOn}, ${input.reason}, ${assigner.id}, ${at})
      returning id::text`;
    await recordStaffChange(tx, {
      userId: input.actingUserId,
      action: 'acting_charge',
      toRole: input.role,
      toOfficeId: office.id,
      remarks: `${input.startsOn} – ${input.endsOn}: ${input.reason}`,
      byUserId: assigner.id,
      at
    });
    return (await chargeById(tx, row!.id))!;
  });
}

export async function endCharge(sql: Sql, assigner: User, id: string, at: Date): Promise<Charge> {
  return sql.begin(async (tx) => {
    const charge = await chargeById(tx, id, true);
    if (!charge) throw new ApiError(404, 'not_found');
    const office = (await getOffice(tx, charge.officeId))!;
    if (!isSuperior(assigner, office, charge.role)) throw new ApiError(403, 'forbidden');
    if (charge.endedAt || charge.endsOn < kolkataDate(at)) throw new ApiError(409, 'charge_ended');
    await tx`update acting_charges set ended_at = ${at}, ended_by = ${assigner.id} where id = ${id}`;
    await recordStaffChange(tx, { userId: charge.actingUserId, action: 'acting_charge_ended', fromRole: charge.role, fromOfficeId: charge.officeId, byUserId: assigner.id, at });
    return (await chargeById(tx, id))!;
  });
}

/** Charges in the assigner's reach that have not yet run out (today's and future ones), soonest first. */
export async function listCharges(sql: Sql, viewer: User, at: Date): Promise<Charge[]> {
  // The assigners (acting:assign) see the charges of their jurisdiction; anyone else the charges they hold.
  const scope = can(viewer, 'acting:assign') ? coveredSql(sql, viewer) : sql`ch.acting_user_id = ${viewer.id}`;
  return sql<Charge[]>`
    select ch.id::text, ch.office_id, o.name_en as office_name, ch.role, ch.absent_user_id, ch.acting_user_id, u.name as acting_name,
           ch.starts_on::text, ch.ends_on::text, ch.reason, ch.ended_at
    from acting_charges ch join offices o on o.id = ch.office_id join users u on u.id = ch.acting_user_id
    where ${scope} and ch.ends_on >= ${kolkataDate(at)}::date and ch.ended_at is null
    order by ch.starts_on, ch.id
    limit 200`;
}

async function chargeById(sql: Queryable, id: string, lock = false): Promise<Charge | null> {
  const [row] = await sql<Charge[]>`
    select ch.id::text, ch.office_id, o.name_en as office_name, ch.role, ch.absent_user_id, ch.acting_user_id, u.name as acting_name,
           ch.starts_on::text, ch.ends_on::text, ch.reason, ch.ended_at
    from acting_charges ch join offices o on o.id = ch.office_id join users u on u.id = ch.acting_user_id
    where ch.id = ${id}
    ${lock ? sql`for update of ch` : sql``}`;
  return row ?? null;
}
