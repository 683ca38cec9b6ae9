// Finding one's block from the post office and PIN already typed (issue 12 item 9), from the Department of Posts'
// directory (shared/post-offices.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BLOCK_IDS, POST_OFFICES, suggestBlocks } from '../../shared/post-offices.ts';

const blocks = (address: { postOffice?: string; pin?: string }) => suggestBlocks(address).map((s) => s.blockId);

describe('suggestBlocks', () => {
  test('a post office as people write it, with or without its S.O/H.O, in any case', () => {
    expect(suggestBlocks({ postOffice: 'barasat' })).toEqual([{ blockId: 'n24pgs/barasat-sadar/barasat-i', postOffices: ['Barasat Bazar S.O', 'Barasat H.O'] }]);
    expect(blocks({ postOffice: 'BARASAT H.O.' })).toEqual(['n24pgs/barasat-sadar/barasat-i']);
    expect(blocks({ postOffice: 'Hingalganj' })).toEqual(['n24pgs/basirhat/hingalganj']);
  });

  test('a PIN alone gives every block its post offices lie in', () => {
    expect(blocks({ pin: '700124' })).toEqual(['n24pgs/barasat-sadar/barasat-i']);
    // 743263 has post offices in Habra I and Habra II.
    expect(blocks({ pin: '743263' }).sort()).toEqual(['n24pgs/barasat-sadar/habra-i', 'n24pgs/barasat-sadar/habra-ii']);
    expect(blocks({ pin: '743 263' }).length).toBe(2);
  });

  test('a post office and PIN that agree narrow it to one; ones that disagree give both, the post office first', () => {
    const pin = '743263';
    const [office] = suggestBlocks({ pin }).find((s) => s.blockId.endsWith('habra-ii'))!.postOffices;
    expect(blocks({ postOffice: office, pin })).toEqual(['n24pgs/barasat-sadar/habra-ii']);
    expect(blocks({ postOffice: 'Hingalganj', pin: '700124' })).toEqual(['n24pgs/basirhat/hingalganj', 'n24pgs/barasat-sadar/barasat-i']);
  });

  test('nothing for what the directory does not know, a half-typed PIN or two letters', () => {
    expect(blocks({ postOffice: 'Kolkata GPO', pin: '700001' })).toEqual([]);
    expect(blocks({ pin: '70012' })).toEqual([]);
    expect(blocks({ postOffice: 'Ba' })).toEqual([]);
    expect(blocks({})).toEqual([]);
  });

  test('every row names a block of the district, and every block has a post office', () => {
    const offices = readFileSync(new URL('../../migrations/002_north_24_parganas.sql', import.meta.url), 'utf8');
    for (const [code, id] of Object.entries(BLOCK_IDS)) expect(offices).toContain(`('${id}', 'block', '${code}'`);
    expect(Object.keys(BLOCK_IDS)).toHaveLength(22);
    expect(new Set(POST_OFFICES.map(([, , code]) => code))).toEqual(new Set(Object.keys(BLOCK_IDS)));
    for (const [pin] of POST_OFFICES) expect(pin).toMatch(/^7\d{5}$/);
  });
});
