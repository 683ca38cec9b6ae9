// Every state × action × role against the government order's table (DESIGN §4), written out independently of
// the rules in workflow.ts so that a change to one without the other fails here.
import { describe, expect, test } from 'vitest';
import { actions, availableActions, decide, statuses, type Action, type Standing, type Status } from '../../api/applications/workflow.ts';

const people: Record<string, Standing> = {
  'the applicant': { role: 'citizen', isOwner: true, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  'another citizen': { role: 'citizen', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  'the filing operator': { role: 'operator', isOwner: true, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  'another operator': { role: 'operator', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  "an operator at a counter of the block": { role: 'operator', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: true, inJurisdiction: false },
  'the assigned EO': { role: 'eo', isOwner: false, isBlockBdo: false, isAssignedEo: true, isBlockCounter: false, inJurisdiction: false },
  'another EO': { role: 'eo', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  "the block's BDO": { role: 'bdo', isOwner: false, isBlockBdo: true, isAssignedEo: false, isBlockCounter: false, inJurisdiction: true },
  "another block's BDO": { role: 'bdo', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  'the SDO': { role: 'sdo', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  'the DM': { role: 'dm', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: true },
  "another district's DM": { role: 'dm', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: false },
  'the administrator': { role: 'admin', isOwner: false, isBlockBdo: false, isAssignedEo: false, isBlockCounter: false, inJurisdiction: true }
};

// [action, from, to (null: it stays where it is), who may]
const table: [Action, Status[], Status | null, string[]][] = [
  ['forward_to_eo', ['submitted'], 'under_enquiry', ["the block's BDO"]],
  ['submit_report', ['under_enquiry'], 'enquiry_reported', ['the assigned EO']],
  ['approve', ['submitted', 'enquiry_reported'], 'approved', ["the block's BDO"]],
  ['reject', ['submitted', 'enquiry_reported'], 'rejected', ["the block's BDO"]],
  ['send_back', ['submitted', 'enquiry_reported'], 'sent_back', ["the block's BDO"]],
  ['resubmit', ['sent_back'], 'submitted', ['the applicant', 'the filing operator']],
  ['reassign_eo', ['under_enquiry'], 'under_enquiry', ["the block's BDO"]],
  ['re_enquire', ['enquiry_reported'], 'under_enquiry', ["the block's BDO"]],
  ['mark_delivered', ['approved'], 'delivered', ["the block's BDO", 'the filing operator', 'an operator at a counter of the block']],
  // DESIGN §9: the DM of the district revokes an issued certificate, handed over or not; the application stays put.
  ['revoke_certificate', ['approved', 'delivered'], null, ['the DM']]
];

describe('the workflow, every state × action × role', () => {
  const cases = statuses.flatMap((status) => actions.flatMap((action) => Object.keys(people).map((who) => [status, action, who] as const)));
  test(`covers all ${statuses.length * actions.length * Object.keys(people).length} combinations`, () => {
    expect(table.map(([a]) => a).sort()).toEqual([...actions].sort());
    for (const [status, action, who] of cases) {
      const [, from, to, may] = table.find(([a]) => a === action)!;
      const decision = decide({ status, version: 3 }, action, 3, people[who]!);
      const label = `${who} ${action} from ${status}`;
      if (!may.includes(who)) expect(decision, label).toEqual({ ok: false, reason: 'not_permitted' });
      else if (!from.includes(status)) expect(decision, label).toEqual({ ok: false, reason: 'wrong_state' });
      else expect(decision, label).toEqual({ ok: true, to: to ?? status });
    }
  });

  test('a decision taken on an old version is refused before anything else', () => {
    for (const action of actions) expect(decide({ status: 'submitted', version: 4 }, action, 3, people["the block's BDO"]!)).toEqual({ ok: false, reason: 'stale_version' });
  });

  test('delivered and rejected are final: the application page offers nobody anything more', () => {
    for (const who of Object.values(people)) {
      expect(availableActions({ status: 'delivered', version: 1 }, who)).toEqual([]);
      expect(availableActions({ status: 'rejected', version: 1 }, who)).toEqual([]);
    }
  });

  test("the BDO's screen offers what the order allows at each step", () => {
    const bdo = people["the block's BDO"]!;
    expect(availableActions({ status: 'submitted', version: 1 }, bdo)).toEqual(['forward_to_eo', 'approve', 'reject', 'send_back']);
    expect(availableActions({ status: 'enquiry_reported', version: 1 }, bdo)).toEqual(['approve', 'reject', 'send_back', 're_enquire']);
    expect(availableActions({ status: 'under_enquiry', version: 1 }, bdo)).toEqual(['reassign_eo']);
  });

  test('the DM revokes a certificate by its number, never from the application page', () => {
    const dm = people['the DM']!;
    expect(decide({ status: 'delivered', version: 6 }, 'revoke_certificate', 6, dm)).toEqual({ ok: true, to: 'delivered' });
    expect(decide({ status: 'approved', version: 5 }, 'revoke_certificate', 5, people["another district's DM"]!)).toEqual({ ok: false, reason: 'not_permitted' });
    expect(availableActions({ status: 'approved', version: 5 }, dm)).toEqual([]);
  });
});
