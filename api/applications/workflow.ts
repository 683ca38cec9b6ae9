// The Ordinary Residential Certificate workflow (DESIGN §4; the seed's activity table, steps 3–8), as one pure
// function: given an application, an action and who is acting, it says what the application becomes, or why not.
// No I/O: routes load the facts, call decide(), and write the result, the audit event and the outbox rows in one
// transaction (api/applications/act.ts, report.ts, resubmit.ts, revoke.ts).
import { actions, type Action, type Status } from '../../shared/workflow.ts';

// The words live in shared/workflow.ts, which the PWA reads too; re-exported so the API's modules name one place.
export { actions, openStatuses, statuses, type Action, type Status } from '../../shared/workflow.ts';

/** Who the actor is to this application, worked out by the caller from the database and api/authz.ts. */
export interface Standing {
  role: 'citizen' | 'operator' | 'eo' | 'bdo' | 'sdo' | 'dm' | 'state' | 'admin';
  /** The citizen it was filed for, or the citizen or operator who filed it. */
  isOwner: boolean;
  /**
   * Holds the BDO's powers on this application: the BDO of its block, the SDO for a municipal area, an officer on
   * acting charge of that office, or the officer who took it over on escalation (issue 13; api/applications/authority.ts).
   */
  isBlockBdo: boolean;
  /** The Enquiry Officer the enquiry is assigned to now. */
  isAssignedEo: boolean;
  /** An operator at a kiosk or CSC that serves the application's block, or that printed its certificate (issue 13). */
  isBlockCounter: boolean;
  /** The application's office lies within the actor's jurisdiction (api/authz.ts `covers`). */
  inJurisdiction: boolean;
}

export type Decision =
  | { ok: true; to: Status }
  | { ok: false; reason: 'stale_version' | 'wrong_state' | 'not_permitted' };

interface Rule {
  from: readonly Status[];
  /** `unchanged`: the step is recorded on the application without moving it (revoking its certificate). */
  to: Status | 'unchanged';
  /** Who may take this step (seed: Responsibility column). */
  by: (s: Standing) => boolean;
}

const bdo = (s: Standing) => s.isBlockBdo && s.role !== 'citizen' && s.role !== 'operator';

export const rules: Record<Action, Rule> = {
  // Step 3: the BDO verifies the application and forwards it to an Enquiry Officer for the field visit.
  forward_to_eo: { from: ['submitted'], to: 'under_enquiry', by: bdo },
  // Step 4: the assigned EO uploads the verification report and returns the application to the BDO.
  submit_report: { from: ['under_enquiry'], to: 'enquiry_reported', by: (s) => s.role === 'eo' && s.isAssignedEo },
  // Step 5: the BDO approves (with a digital signature), rejects with a reason, or sends back with remarks.
  approve: { from: ['submitted', 'enquiry_reported'], to: 'approved', by: bdo },
  reject: { from: ['submitted', 'enquiry_reported'], to: 'rejected', by: bdo },
  send_back: { from: ['submitted', 'enquiry_reported'], to: 'sent_back', by: bdo },
  // Step 8: the applicant, or the counter that filed it, corrects and resubmits; the same AIN continues.
  resubmit: { from: ['sent_back'], to: 'submitted', by: (s) => (s.role === 'citizen' || s.role === 'operator') && s.isOwner },
  reassign_eo: { from: ['under_enquiry'], to: 'under_enquiry', by: bdo },
  re_enquire: { from: ['enquiry_reported'], to: 'under_enquiry', by: bdo },
  // Step 7: the certificate is handed over at the block office or at a counter of the block.
  mark_delivered: { from: ['approved'], to: 'delivered', by: (s) => (s.role === 'operator' && (s.isOwner || s.isBlockCounter)) || bdo(s) },
  // DESIGN §9: the District Magistrate revokes a certificate of the district, issued or already handed over. The
  // application keeps its status (and its version: a screen open on it is not stale); the certificate says revoked.
  revoke_certificate: { from: ['approved', 'delivered'], to: 'unchanged', by: (s) => s.role === 'dm' && s.inJurisdiction }
};

/**
 * The steps an application's own page offers. Revoking is done on the certificate, by its number
 * (POST /api/certificates/{certificateNo}/revoke), so the officer's action panel never shows it.
 */
const onApplicationPage = actions.filter((a) => a !== 'revoke_certificate');

/**
 * What `action` does to an application in `status` at `version`, when taken by someone of this standing who saw
 * version `seenVersion`. A stale version is refused first: whoever acted on an old screen must look again.
 */
export function decide(app: { status: Status; version: number }, action: Action, seenVersion: number, standing: Standing): Decision {
  if (seenVersion !== app.version) return { ok: false, reason: 'stale_version' };
  const rule = rules[action];
  if (!rule.by(standing)) return { ok: false, reason: 'not_permitted' };
  if (!rule.from.includes(app.status)) return { ok: false, reason: 'wrong_state' };
  return { ok: true, to: rule.to === 'unchanged' ? app.status : rule.to };
}

/** The actions this person could take on the application now: what the officer's screen offers. */
export function availableActions(app: { status: Status; version: number }, standing: Standing): Action[] {
  return onApplicationPage.filter((a) => decide(app, a, app.version, standing).ok);
}
