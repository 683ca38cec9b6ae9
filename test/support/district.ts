// A second district for tests that must tell districts apart (issue 15): a district, a subdivision, a block, a CSC
// and an officer of each role, straight in the database, so the tests need no statewide office list. Its ids and
// codes are this test's own (code 98 is no census district), so they cannot collide with a real district's rows.
import type { Sql } from '../../api/db/connect.ts';
import { insertUser } from './applications.ts';

export interface TestDistrict {
  district: string;
  subdivision: string;
  block: string;
  csc: string;
  /** The officers' user IDs, by role; all log in with demo-password. */
  users: { dm: string; sdo: string; bdo: string; eo: string; operator: string };
}

/**
 * Inserts district `key` (ids `<key>`, `<key>/sadar`, `<key>/sadar/alpha`, …) with one officer per role. `n` (1–9)
 * keeps codes and mobile numbers apart when a test makes more than one.
 */
export async function insertDistrict(sql: Sql, key = 'testdist', n = 1): Promise<TestDistrict> {
  const district = key;
  const subdivision = `${key}/sadar`;
  const block = `${subdivision}/alpha`;
  const csc = `${block}/csc-1`;
  const code = String(99 - n);
  await sql`
    insert into offices (id, kind, code, name_en, name_bn, parent_id, district_id, subdivision_id) values
      (${district}, 'district', ${code}, ${'Test District ' + n}, ${'পরীক্ষা জেলা ' + n}, null, ${district}, null),
      (${subdivision}, 'subdivision', '01', ${'Test Sadar ' + n}, ${'পরীক্ষা সদর ' + n}, ${district}, ${district}, ${subdivision}),
      (${block}, 'block', '001', ${'Test Alpha ' + n}, ${'পরীক্ষা আলফা ' + n}, ${subdivision}, ${district}, ${subdivision}),
      (${csc}, 'csc', 'C01', ${'Test CSC ' + n}, ${'পরীক্ষা সিএসসি ' + n}, ${block}, ${district}, ${subdivision})`;
  const users = { dm: `${key}-dm`, sdo: `${key}-sdo`, bdo: `${key}-bdo`, eo: `${key}-eo`, operator: `${key}-operator` };
  const postings = { dm: district, sdo: subdivision, bdo: block, eo: block, operator: csc };
  let i = 0;
  for (const role of ['dm', 'sdo', 'bdo', 'eo', 'operator'] as const) {
    i += 1;
    await insertUser(sql, { id: users[role], role, officeId: postings[role], mobile: `+9197${n}00000${i}0`, name: `Test ${role.toUpperCase()} ${n}` });
  }
  return { district, subdivision, block, csc, users };
}
