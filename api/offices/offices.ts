import type { OfficeKind, OfficePlace } from '../authz.ts';
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

/** Open offices: every one, one district's (`district`), or the districts alone (`kind: 'district'`). */
export async function listOffices(sql: Sql, filter: { district?: string; kind?: 'district' } = {}): Promise<Office[]> {
  return sql<Office[]>`
    select id, kind, code, name_en, name_bn, parent_id, subdivision_id, district_id, closed_at, area_kind
    from offices
    where closed_at is null
      ${filter.district ? sql`and district_id = ${filter.district}` : sql``}
      ${filter.kind ? sql`and kind = ${filter.kind}` : sql``}
    order by district_id, subdivision_id nulls first, kind, code`;
}

export async function getOffice(sql: Queryable, id: string): Promise<Office | null> {
  const [row] = await sql<Office[]>`
    select id, kind, code, name_en, name_bn, parent_id, subdivision_id, district_id, closed_at, area_kind
    from offices where id = ${id}`;
  return row ?? null;
}

export type { OfficeKind };

/**
 * The blocks (and municipal areas, issue 13) within an officer's jurisdiction (DESIGN §3): the district's, the
 * subdivision's, or their own.
 */
export async function blocksCovered(sql: Queryable, actor: { role: string; officeId: string | null }): Promise<Office[]> {
  if (!actor.officeId || !['dm', 'sdo', 'bdo'].includes(actor.role)) return [];
  const column = actor.role === 'dm' ? sql`district_id` : actor.role === 'sdo' ? sql`subdivision_id` : sql`id`;
  return sql<Office[]>`
    select id, kind, code, name_en, name_bn, parent_id, subdivision_id, district_id, closed_at, area_kind
    from offices where kind in ('block', 'urban') and ${column} = ${actor.officeId}
    order by code`;
}
