// Which offices an MIS report covers and how its table is grouped (issue 15 item 1): the caller's jurisdiction, or a
// district, a subdivision or a block of it, asked with `?district=`, `?subdivision=`, `?office=`. The state
// officer's report has one row per district; a district's, a subdivision's and a block's have one row per block, as
// the DM's, the SDO's and the BDO's always had. This module decides scope and grouping only; the figures are
// summary.ts's, per block, and are added up here into districts.
import type { Queryable } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { blocksCovered, getOffice, type Office } from '../offices/offices.ts';
import { covers, type Actor } from '../authz.ts';
import { percent, type BlockFigures } from './summary.ts';

export type MisLevel = 'state' | 'district' | 'subdivision' | 'block';

export interface MisScope {
  level: MisLevel;
  /** The office the report is of; null for the whole state. */
  office: Office | null;
  /** The blocks (and municipal areas) whose figures make the report. */
  blocks: Office[];
  /** The offices from the district down to the report's own, for the breadcrumbs; empty for the state. */
  trail: Office[];
  /** Every block the actor covers, whatever the report narrows to: what a report form offers to choose from. */
  reach: Office[];
}

export interface ScopeAsked {
  district?: string | undefined;
  subdivision?: string | undefined;
  office?: string | undefined;
}

/**
 * The report's scope for this actor. Each office asked for narrows the blocks the actor covers; one outside them (a
 * DM asking for another district, a block of another subdivision, an SDO asking for the whole district) is refused
 * with 403, as is an actor who covers no block. The narrowest office asked for is the report's.
 */
export async function misScope(sql: Queryable, actor: Actor, asked: ScopeAsked): Promise<MisScope> {
  const covered = await blocksCovered(sql, actor);
  if (covered.length === 0) throw new ApiError(403, 'forbidden');
  // Each office asked for is of its kind and lies wholly within reach: an SDO asking for the district would
  // otherwise get a report titled with the district but holding only the subdivision's blocks.
  const actorOffice = actor.officeId ? await getOffice(sql, actor.officeId) : null;
  const kinds = { district: ['district'], subdivision: ['subdivision'], office: ['block', 'urban'] } as const;
  for (const param of ['district', 'subdivision', 'office'] as const) {
    const id = asked[param];
    if (!id) continue;
    const o = await getOffice(sql, id);
    if (!o || !(kinds[param] as readonly string[]).includes(o.kind) || !covers(actor, actorOffice, o)) throw new ApiError(403, 'office_out_of_reach');
  }
  const blocks = covered.filter(
    (b) => (!asked.district || b.districtId === asked.district) && (!asked.subdivision || b.subdivisionId === asked.subdivision) && (!asked.office || b.id === asked.office)
  );
  if (blocks.length === 0) throw new ApiError(403, 'office_out_of_reach');
  const ownId = asked.office ?? asked.subdivision ?? asked.district ?? actor.officeId;
  const office = ownId ? await getOffice(sql, ownId) : null;
  if (ownId && !office) throw new ApiError(403, 'office_out_of_reach');
  const level: MisLevel = !office ? 'state' : office.kind === 'district' ? 'district' : office.kind === 'subdivision' ? 'subdivision' : 'block';
  const trailIds = office ? [office.districtId, office.subdivisionId, office.id].filter((id, i, all): id is string => !!id && all.indexOf(id) === i) : [];
  const trail = (await Promise.all(trailIds.map((id) => getOffice(sql, id)))).filter((o): o is Office => !!o);
  return { level, office, blocks, trail, reach: covered };
}

/** The offices a report's table has a row for: the districts at the state level, otherwise the blocks. */
export interface ScopeRow extends Omit<BlockFigures, 'onTime'> {
  nameEn: string;
  nameBn: string;
}

/**
 * The per-block figures as the report's rows: at the state level added up into one row per district (the on-time
 * share recomputed from the counts, not averaged), otherwise the blocks with their names.
 */
export async function scopeRows(sql: Queryable, scope: MisScope, figures: BlockFigures[]): Promise<ScopeRow[]> {
  const blockOf = new Map(scope.blocks.map((b) => [b.id, b]));
  if (scope.level !== 'state') {
    return figures.map(({ onTime: _, ...f }) => ({ ...f, nameEn: blockOf.get(f.officeId)!.nameEn, nameBn: blockOf.get(f.officeId)!.nameBn }));
  }
  const sums = new Map<string, BlockFigures>();
  for (const f of figures) {
    const districtId = blockOf.get(f.officeId)!.districtId;
    const d = sums.get(districtId) ?? { officeId: districtId, received: 0, approved: 0, rejected: 0, pending: 0, beyondSla: 0, onTime: 0, compliancePercent: null };
    d.received += f.received;
    d.approved += f.approved;
    d.rejected += f.rejected;
    d.pending += f.pending;
    d.beyondSla += f.beyondSla;
    d.onTime += f.onTime;
    sums.set(districtId, d);
  }
  const districts = await Promise.all([...sums.keys()].map((id) => getOffice(sql, id)));
  return districts
    .filter((o): o is Office => !!o)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((o) => {
      const { onTime, ...d } = sums.get(o.id)!;
      return { ...d, compliancePercent: percent(onTime, d.approved + d.rejected), nameEn: o.nameEn, nameBn: o.nameBn };
    });
}
