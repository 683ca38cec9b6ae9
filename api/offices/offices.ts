import type { OfficeKind, OfficePlace, Role } from '../authz.ts';
import { coveredSql } from './jurisdiction.ts';
import type { Queryable, Sql } from '../db/connect.ts';

export interface Office extends OfficePlace {
  code: string;
  nameEn: string;
  nameBn: string;
  parentId: string | null;
  /** A counter that no longer serves (issue 13); null for every open office. */
  closedAt: Date | null;
  /** For a municipal area: municipal corporation or municipality. */
  areaKind: 'municipal_corporation' | 'municipality' | null;
}

/**
 * Open offices: every one, one district's (`district`), or the districts alone (`kind: 'district'`). One district's,
 * which the wizard offers, leaves out a municipal area no office processes yet (`takesApplications`).
 */
export async function listOffices(sql: Sql, filter: { district?: string; kind?: 'district' } = {}): Promise<Office[]> {
  return sql<Office[]>`
    select id, kind, code, name_en, name_bn, parent_id, subdivision_id, district_id, closed_at, area_kind
    from offices o
    where closed_at is null
      ${filter.district ? sql`and district_id = ${filter.district} and (kind <> 'urban' or exists (select 1 from area_processing ap where ap.area_office_id = o.id))` : sql``}
      ${filter.kind ? sql`and kind = ${filter.kind}` : sql``}
    order by district_id, subdivision_id nulls first, kind, code`;
}

/** Whether an application filed here has an office to process it: every block does; a municipal area once area_processing names one. */
export async function takesApplications(sql: Queryable, officeId: string): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }[]>`
    select kind <> 'urban' or exists (select 1 from area_processing where area_office_id = ${officeId}) as ok from offices where id = ${officeId}`;
  return row?.ok ?? false;
}

export async function getOffice(sql: Queryable, id: string): Promise<Office | null> {
  const [row] = await sql<Office[]>`
    select id, kind, code, name_en, name_bn, parent_id, subdivision_id, district_id, closed_at, area_kind
    from offices where id = ${id}`;
  return row ?? null;
}

export type { OfficeKind };

/**
 * The blocks (and municipal areas, issue 13) within an officer's jurisdiction (DESIGN §3): every district's (the
 * state officer), the district's, the subdivision's, or their own. Jurisdiction is `reach` (api/authz.ts), written
 * as SQL by `coveredSql`; the roles that read reports and escalations are the ones that reach blocks, so an EO (an
 * office, but no reports) or the administrator (everywhere, but no reports) gets none here.
 */
export async function blocksCovered(sql: Queryable, actor: { role: Role; officeId: string | null }): Promise<Office[]> {
  if (!['state', 'dm', 'sdo', 'bdo'].includes(actor.role)) return [];
  return sql<Office[]>`
    select o.id, o.kind, o.code, o.name_en, o.name_bn, o.parent_id, o.subdivision_id, o.district_id, o.closed_at, o.area_kind
    from offices o where o.kind in ('block', 'urban') and ${coveredSql(sql, actor)}
    order by o.district_id, o.code`;
}

/** The districts these offices lie in, in code order (issue 15: the state officer's lists name each district). */
export async function districtsOf(sql: Queryable, offices: { districtId: string }[]): Promise<Office[]> {
  const ids = [...new Set(offices.map((o) => o.districtId))];
  if (ids.length === 0) return [];
  return sql<Office[]>`
    select id, kind, code, name_en, name_bn, parent_id, subdivision_id, district_id, closed_at, area_kind
    from offices where id in ${sql(ids)}
    order by code`;
}
