// The words of the certificate's workflow that the PWA and the API both speak (DESIGN §4; seed steps 3–8): the
// statuses an application passes through, the actions that move it, which statuses wait on an officer, and the SLA
// step each of those is. The rules themselves (who may take which action from which status) stay in the API's
// pure workflow, api/applications/workflow.ts; the PWA only names and shows them. A leaf: imports nothing.

export const statuses = ['submitted', 'under_enquiry', 'enquiry_reported', 'approved', 'rejected', 'sent_back', 'delivered'] as const;
export type Status = (typeof statuses)[number];

export const actions = ['forward_to_eo', 'submit_report', 'approve', 'reject', 'send_back', 'resubmit', 'reassign_eo', 're_enquire', 'mark_delivered', 'revoke_certificate'] as const;
export type Action = (typeof actions)[number];

/**
 * Where the application waits on an officer: the SLA clock runs and a due date is shown. Named once: queries take
 * it as an array parameter (`status = any(${openStatuses})`). The partial indexes over open applications
 * (migrations/007_sla.sql) must spell the list out, because an index predicate is fixed SQL and cannot take a
 * parameter; test/integration/migrations.test.ts reads their predicates and fails if they drift from this list.
 */
export const openStatuses = ['submitted', 'under_enquiry', 'enquiry_reported'] as const satisfies readonly Status[];
export type OpenStatus = (typeof openStatuses)[number];

/** Not yet decided: open, or sent back and waiting on the applicant (the MIS's "pending"; same index caveat). */
export const pendingStatuses = [...openStatuses, 'sent_back'] as const satisfies readonly Status[];

export function isOpen(status: Status): status is OpenStatus {
  return (openStatuses as readonly Status[]).includes(status);
}

/** The steps of the government order's time-limit matrix (seed §C), one per open status. */
export const slaSteps = ['scrutiny', 'enquiry', 'approval'] as const;
export type SlaStep = (typeof slaSteps)[number];

const stepOfOpen: Record<OpenStatus, SlaStep> = { submitted: 'scrutiny', under_enquiry: 'enquiry', enquiry_reported: 'approval' };

/** The step an application in this status waits in; null when no officer owes anything (sent back, decided). */
export function stepOf(status: Status): SlaStep | null {
  return isOpen(status) ? stepOfOpen[status] : null;
}
