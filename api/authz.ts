// Who may do what, in one place. Routes ask `can(actor, permission)` for what a role may do at all and
// `covers(actor, office)` for whether a record lies within the actor's jurisdiction (DESIGN §3). Later features add
// permissions here rather than checking roles inline.
export const roles = ['citizen', 'operator', 'eo', 'bdo', 'sdo', 'dm', 'state', 'admin'] as const;
export type Role = (typeof roles)[number];
export const staffRoles = ['operator', 'eo', 'bdo', 'sdo', 'dm'] as const satisfies readonly Role[];
export type StaffRole = (typeof staffRoles)[number];
/**
 * The roles the administrator creates accounts for: the posted ones, and the state officer (issue 15), who is
 * posted to no office (DESIGN §15: one deployment, every district; see officeKindsFor).
 */
export const creatableRoles = [...staffRoles, 'state'] as const satisfies readonly Role[];
export type CreatableRole = (typeof creatableRoles)[number];

export type OfficeKind = 'district' | 'subdivision' | 'block' | 'kiosk' | 'csc' | 'urban';

/** The kinds of office each role is posted to; citizens and the administrator have none. */
export const officeKindsFor: Record<Role, readonly OfficeKind[]> = {
  citizen: [],
  operator: ['kiosk', 'csc'],
  // An EO of a subdivision enquires in its municipal areas (issue 13 item 5).
  eo: ['block', 'subdivision'],
  bdo: ['block'],
  sdo: ['subdivision'],
  dm: ['district'],
  // The state officer watches every district from the state headquarters, which is not an office of this model:
  // offices are the tree district → subdivision → block that applications are filed in, and a state office would
  // need a district of its own (offices.district_id) and would reach nothing by the equality scoping works by.
  // Like the administrator, a state officer belongs to no office and reaches everywhere (`reach` below).
  state: [],
  admin: []
};

const grants = {
  'staff:create': ['admin'],
  // The DM lists the district's staff to manage them; the SDO its officers, to name one to an acting charge.
  'staff:list': ['admin', 'dm', 'sdo'],
  // Issue 13: the DM manages the staff and the counters of the district; the administrator everyone's.
  'staff:manage': ['admin', 'dm'],
  'counters:manage': ['admin', 'dm'],
  'acting:assign': ['admin', 'dm', 'sdo'],
  'counters:print': ['operator'],
  'appeals:decide': ['sdo', 'dm'],
  'documents:upload': ['citizen', 'operator', 'eo'],
  'applications:submit': ['citizen', 'operator'],
  'reports:submit': ['eo'],
  'certificates:revoke': ['dm'],
  'messages:manage': ['admin'],
  'holidays:manage': ['admin'],
  // The state officer (issue 15) reads escalations and MIS across districts, and the applications behind them; no
  // officer's action, no staff, counters or acting charges: those stay with each district.
  'escalations:read': ['bdo', 'sdo', 'dm', 'state'],
  'mis:read': ['bdo', 'sdo', 'dm', 'state']
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof grants;

export interface Actor {
  id: string;
  role: Role;
  officeId: string | null;
}

/** An office and where it sits, as stored in the offices table. */
export interface OfficePlace {
  id: string;
  kind: OfficeKind;
  subdivisionId: string | null;
  districtId: string;
}

export function can(actor: Actor, permission: Permission): boolean {
  return (grants[permission] as readonly Role[]).includes(actor.role);
}

/** Who filed and for whom: what decides a citizen's or an operator's access to an application. */
export interface ApplicationParties {
  applicantId: string;
  filedBy: string;
  assignedEoId: string | null;
}

/**
 * Whether the actor may read an application and its documents (DESIGN §3): a citizen those filed by or for them,
 * an operator those they filed, an Enquiry Officer those assigned to them, other officers those in their
 * jurisdiction.
 */
export function canReadApplication(actor: Actor, actorOffice: OfficePlace | null, app: ApplicationParties, place: OfficePlace): boolean {
  switch (actor.role) {
    case 'citizen':
      return app.applicantId === actor.id || app.filedBy === actor.id;
    case 'operator':
      return app.filedBy === actor.id;
    case 'eo':
      // Assigned, and still posted there: a transferred EO leaves the enquiry with the office (issue 13). An EO of
      // a subdivision enquires in its municipal areas.
      return app.assignedEoId === actor.id && actorOffice !== null && (place.id === actorOffice.id || place.subdivisionId === actorOffice.id);
    default:
      return covers(actor, actorOffice, place);
  }
}

/**
 * How far each role's jurisdiction reaches from the office it is posted to (DESIGN §3): the one description of it.
 * `covers` reads it here; `coveredSql` (api/offices/jurisdiction.ts) writes the same as a SQL condition for the
 * lists, and test/integration/jurisdiction.test.ts checks the two agree for every role and office. Citizens and
 * operators have none: they see what they filed, checked elsewhere.
 */
export const reach = {
  admin: 'everywhere',
  state: 'everywhere',
  dm: 'district',
  sdo: 'subdivision',
  bdo: 'office',
  eo: 'office',
  citizen: 'none',
  operator: 'none'
} as const satisfies Record<Role, 'everywhere' | 'district' | 'subdivision' | 'office' | 'none'>;

/** Whether a record held at `place` (an application's block, say) is within the actor's jurisdiction. */
export function covers(actor: Actor, actorOffice: OfficePlace | null, place: OfficePlace): boolean {
  const r = reach[actor.role];
  if (r === 'everywhere') return true;
  if (r === 'none' || actorOffice === null) return false;
  return (r === 'district' ? place.districtId : r === 'subdivision' ? place.subdivisionId : place.id) === actorOffice.id;
}
