// Who holds the BDO's powers on an application, and in what capacity (issue 13 items 2, 3, 5; DESIGN §13). The
// workflow asks one question, "does this person hold the processing officer's powers here?"; the answer is yes for
//   - the processing officer of the application's office: the block's BDO, or for a municipal area the officer the
//     area_processing data names (the SDO of the subdivision);
//   - an officer holding an acting charge of that office today, who acts "for Block Development Officer, <block>";
//   - the handler the DM named, or the DM himself, after taking the application over on escalation.
// The same for the Enquiry Officer: the assigned EO while still posted to the processing office, or the officer
// holding the acting charge for that EO. A charge ends by itself: it is only ever looked up for today's date.
import postgres from 'postgres';
import { covers } from '../authz.ts';
import type { Queryable } from '../db/connect.ts';
import { getOffice, type Office } from '../offices/offices.ts';
import { kolkataDate } from '../time.ts';
import type { User } from '../users/user.ts';
import type { Standing } from './workflow.ts';

export interface Processing {
  /** The office whose officer does the BDO's steps: the block itself, or the subdivision for a municipal area. */
  officeId: string;
  role: 'bdo' | 'sdo';
}

/** Where an application of this office is processed (area_processing for municipal areas; a block processes its own). */
export async function processingOf(sql: Queryable, officeId: string): Promise<Processing> {
  const [row] = await sql<Processing[]>`
    select processing_office_id as office_id, processing_role as role from area_processing where area_office_id = ${officeId}`;
  return row ?? { officeId, role: 'bdo' };
}

export interface Designation {
  en: string;
  bn: string;
}

export interface Authority {
  standing: Standing;
  /** How the audit trail names the capacity, when it is not the officer's own post ("for Block Development Officer, Barasat I"). */
  capacity: string | null;
  /** The designation printed under the signature on a certificate this person issues. */
  designation: Designation | null;
}

const titles = {
  bdo: { en: 'Block Development Officer', bn: 'সমষ্টি উন্নয়ন আধিকারিক' },
  sdo: { en: 'Sub-Divisional Officer', bn: 'মহকুমা শাসক' },
  eo: { en: 'Enquiry Officer', bn: 'তদন্তকারী আধিকারিক' },
  dm: { en: 'District Magistrate', bn: 'জেলাশাসক' }
} as const;

export function designationOf(role: keyof typeof titles, office: Pick<Office, 'nameEn' | 'nameBn'>, acting: boolean): Designation {
  const t = titles[role];
  return acting
    ? { en: `for ${t.en}, ${office.nameEn}`, bn: `${t.bn}, ${office.nameBn}-এর পক্ষে` }
    : { en: `${t.en}, ${office.nameEn}`, bn: `${t.bn}, ${office.nameBn}` };
}

/** The acting charge this user holds today for an office and role (and, for an EO, for which absent officer). */
export async function activeCharge(sql: Queryable, userId: string, officeId: string, role: 'bdo' | 'sdo' | 'eo', at: Date, absentUserId?: string | null) {
  const today = kolkataDate(at);
  const [row] = await sql<{ id: string }[]>`
    select id::text from acting_charges
    where acting_user_id = ${userId} and office_id = ${officeId} and role = ${role}
      and starts_on <= ${today}::date and ends_on >= ${today}::date and ended_at is null
      ${absentUserId !== undefined ? sql`and absent_user_id = ${absentUserId}` : sql``}
    limit 1`;
  return row ?? null;
}

/**
 * `activeCharge` as a list condition, for applications joined as `a`: those the user holds through a charge today,
 * as `authorityOver` grants them. A BDO's or an SDO's charge is of the office that processes the application
 * (`processingOf`: its block, or for a municipal area the subdivision named in area_processing); an EO's charge there
 * is for the absent officer's enquiries.
 */
export function heldThroughChargeSql(sql: Queryable, userId: string, at: Date): postgres.Fragment {
  const today = kolkataDate(at);
  return sql`exists (
    select 1
    from acting_charges ch
    cross join lateral (
      select coalesce(ap.processing_office_id, a.office_id) as office_id, coalesce(ap.processing_role, 'bdo') as role
      from (select 1) one left join area_processing ap on ap.area_office_id = a.office_id
    ) p
    where ch.acting_user_id = ${userId} and ch.ended_at is null and ch.starts_on <= ${today}::date and ch.ends_on >= ${today}::date
      and ch.office_id = p.office_id
      and (ch.role = p.role or (ch.role = 'eo' and a.assigned_eo_id = ch.absent_user_id)))`;
}

export async function authorityOver(
  sql: Queryable,
  actor: User,
  app: { applicantId: string; filedBy: string; officeId: string; assignedEoId: string | null; handlerId?: string | null; certificatePrintedAt?: string[] },
  at: Date
): Promise<Authority> {
  const processing = await processingOf(sql, app.officeId);
  let isBlockBdo = false;
  let capacity: string | null = null;
  let designation: Designation | null = null;
  // The state officer (issue 15) reads every district and holds no office's powers: no acting charge, no hand-over.
  const staff = !['citizen', 'operator', 'state', 'admin'].includes(actor.role);

  if (staff && actor.role === processing.role && actor.officeId === processing.officeId) {
    isBlockBdo = true;
  } else if (staff && app.handlerId === actor.id) {
    isBlockBdo = true;
    capacity = 'taken over on escalation';
  } else if (staff && (await activeCharge(sql, actor.id, processing.officeId, processing.role, at))) {
    isBlockBdo = true;
    const office = await getOffice(sql, processing.officeId);
    designation = office ? designationOf(processing.role, office, true) : null;
    capacity = designation?.en ?? null;
  }
  if (isBlockBdo && !designation) {
    // The officer's own post, or (taken over) the DM's or the named officer's own office.
    const own = actor.officeId ? await getOffice(sql, actor.officeId) : null;
    const role = actor.role === 'dm' || actor.role === 'sdo' || actor.role === 'bdo' || actor.role === 'eo' ? actor.role : 'bdo';
    if (own) designation = designationOf(role, own, false);
  }

  let isAssignedEo = false;
  if (actor.role === 'eo' && app.assignedEoId) {
    // An EO transferred away no longer holds the enquiry: it stays with the office, for the BDO to reassign.
    if (app.assignedEoId === actor.id) isAssignedEo = actor.officeId === processing.officeId;
    else if (await activeCharge(sql, actor.id, processing.officeId, 'eo', at, app.assignedEoId)) {
      isAssignedEo = true;
      const office = await getOffice(sql, processing.officeId);
      capacity = office ? designationOf('eo', office, true).en : null;
    }
  }

  let isBlockCounter = false;
  if (actor.role === 'operator' && actor.officeId) {
    // A counter hands over certificates of the area it serves (seed step 7): a CSC its block, a kiosk at the SDO's
    // or the DM's office the subdivision or the district; and any counter of the district that printed it after
    // the identity check (issue 13 item 4).
    const [counter, place] = await Promise.all([getOffice(sql, actor.officeId), getOffice(sql, app.officeId)]);
    isBlockCounter =
      !!counter &&
      !!place &&
      !counter.closedAt &&
      ([place.id, place.subdivisionId, place.districtId].includes(counter.parentId) || (app.certificatePrintedAt ?? []).includes(counter.id));
  }

  // Citizens and counters have no jurisdiction (api/authz.ts), so their offices are not looked up for it.
  let inJurisdiction = false;
  if (actor.role !== 'citizen' && actor.role !== 'operator') {
    const [place, own] = await Promise.all([getOffice(sql, app.officeId), actor.officeId ? getOffice(sql, actor.officeId) : null]);
    inJurisdiction = !!place && covers(actor, own, place);
  }

  return {
    standing: {
      role: actor.role,
      isOwner: app.applicantId === actor.id || app.filedBy === actor.id,
      isBlockBdo,
      isAssignedEo,
      isBlockCounter,
      inJurisdiction
    },
    capacity,
    designation
  };
}
