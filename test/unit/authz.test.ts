import { describe, expect, test } from 'vitest';
import { can, covers, officeKindsFor, roles, type Actor, type OfficePlace, type Role } from '../../api/authz.ts';

const district: OfficePlace = { id: 'n24pgs', kind: 'district', subdivisionId: null, districtId: 'n24pgs' };
const barasatSadar: OfficePlace = { id: 'n24pgs/barasat-sadar', kind: 'subdivision', subdivisionId: 'n24pgs/barasat-sadar', districtId: 'n24pgs' };
const barasatI: OfficePlace = { id: 'n24pgs/barasat-sadar/barasat-i', kind: 'block', subdivisionId: 'n24pgs/barasat-sadar', districtId: 'n24pgs' };
const amdanga: OfficePlace = { id: 'n24pgs/barasat-sadar/amdanga', kind: 'block', subdivisionId: 'n24pgs/barasat-sadar', districtId: 'n24pgs' };
const baduria: OfficePlace = { id: 'n24pgs/basirhat/baduria', kind: 'block', subdivisionId: 'n24pgs/basirhat', districtId: 'n24pgs' };
const otherDistrictBlock: OfficePlace = { id: 'nadia/sadar/krishnagar-i', kind: 'block', subdivisionId: 'nadia/sadar', districtId: 'nadia' };

const postings: Record<Role, OfficePlace | null> = { citizen: null, operator: null, eo: barasatI, bdo: barasatI, sdo: barasatSadar, dm: district, state: null, admin: null };
const actor = (role: Role): Actor => ({ id: 'demo-' + role, role, officeId: postings[role]?.id ?? null });

describe('jurisdiction (DESIGN §3)', () => {
  const table: [Role, OfficePlace, boolean][] = [
    ['bdo', barasatI, true],
    ['bdo', amdanga, false],
    ['eo', barasatI, true],
    ['eo', baduria, false],
    ['sdo', barasatI, true],
    ['sdo', amdanga, true],
    ['sdo', baduria, false],
    ['dm', baduria, true],
    ['dm', otherDistrictBlock, false],
    ['admin', otherDistrictBlock, true],
    ['state', baduria, true],
    ['state', otherDistrictBlock, true],
    ['citizen', barasatI, false],
    ['operator', barasatI, false]
  ];
  test.each(table)('%s covers %o: %s', (role, place, expected) => {
    expect(covers(actor(role), postings[role], place)).toBe(expected);
  });

  test('an officer whose office is unknown covers nothing', () => {
    for (const role of ['bdo', 'eo', 'sdo', 'dm'] as const) expect(covers(actor(role), null, barasatI)).toBe(false);
  });
});

describe('permissions', () => {
  test('only the administrator creates staff; the DM and the SDO list those in their reach', () => {
    for (const role of roles) {
      expect(can(actor(role), 'staff:create')).toBe(role === 'admin');
      expect(can(actor(role), 'staff:list')).toBe(['admin', 'dm', 'sdo'].includes(role));
    }
  });

  test('the state officer reads reports and escalations everywhere and does nothing else (issue 15)', () => {
    const state = actor('state');
    expect(can(state, 'mis:read')).toBe(true);
    expect(can(state, 'escalations:read')).toBe(true);
    for (const p of ['staff:create', 'staff:list', 'staff:manage', 'counters:manage', 'acting:assign', 'appeals:decide', 'certificates:revoke', 'reports:submit', 'documents:upload', 'applications:submit', 'counters:print', 'messages:manage', 'holidays:manage'] as const) {
      expect({ p, allowed: can(state, p) }).toEqual({ p, allowed: false });
    }
    expect(officeKindsFor.state).toEqual([]);
  });

  test('officers and operators are posted to the right kind of office; citizens and admins to none', () => {
    expect(officeKindsFor.operator).toEqual(['kiosk', 'csc']);
    expect(officeKindsFor.bdo).toEqual(['block']);
    expect(officeKindsFor.citizen).toEqual([]);
    expect(officeKindsFor.admin).toEqual([]);
  });
});
