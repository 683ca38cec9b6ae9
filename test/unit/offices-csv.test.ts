// The data file of West Bengal's offices (issue 15 item 1; api/offices/west-bengal.csv): every district, each row
// sourced, codes that make AINs unambiguous, and North 24 Parganas exactly as migration 002 made it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseOfficesCsv, readOfficesFile } from '../../api/offices/import.ts';

const { rows, errors } = parseOfficesCsv(readOfficesFile().text);
const of = (kind: string) => rows.filter((r) => r.kind === kind);

// The AIN's district digits (README, "All 23 districts"): Census 2011's state-level codes, then order of creation.
const DISTRICT_CODES: Record<string, string> = {
  Darjeeling: '01', Jalpaiguri: '02', 'Cooch Behar': '03', 'Uttar Dinajpur': '04', 'Dakshin Dinajpur': '05', Malda: '06',
  Murshidabad: '07', Birbhum: '08', 'Purba Bardhaman': '09', Nadia: '10', 'North 24 Parganas': '11', Hooghly: '12',
  Bankura: '13', Purulia: '14', Howrah: '15', Kolkata: '16', 'South 24 Parganas': '17', 'Paschim Medinipur': '18',
  'Purba Medinipur': '19', Alipurduar: '20', Kalimpong: '21', Jhargram: '22', 'Paschim Bardhaman': '23'
};

describe('west-bengal.csv', () => {
  test('parses with no problem', () => {
    expect(errors).toEqual([]);
  });

  test('has the 23 districts of West Bengal, each with the AIN code of the documented scheme', () => {
    const districts = Object.fromEntries(of('district').map((d) => [d.nameEn, d.code]));
    expect(districts).toEqual(DISTRICT_CODES);
  });

  test('every district but Kolkata has subdivisions and blocks; Kolkata is one municipal corporation', () => {
    for (const d of of('district')) {
      const blocks = of('block').filter((b) => b.districtId === d.id);
      if (d.nameEn === 'Kolkata') {
        expect(blocks).toEqual([]);
        expect(of('urban').filter((u) => u.districtId === d.id).map((u) => u.nameEn)).toEqual(['Kolkata Municipal Corporation']);
      } else {
        expect(blocks.length, d.nameEn).toBeGreaterThan(0);
        expect(blocks.every((b) => b.subdivisionId !== null), d.nameEn).toBe(true);
      }
    }
    // Census 2011 counted 341 CD blocks in West Bengal; each is here once, under one district, but Kalimpong II, split
    // in 2021 into Lava and Pedong.
    const census = of('block').flatMap((b) => (b.censusCode ? [b.censusCode] : []));
    expect(census.every((c) => /^0[0-9]{4}$/.test(c))).toBe(true);
    expect(new Set(census).size).toBe(census.length);
    expect(census).toHaveLength(340);
    expect(census).not.toContain('02157');
    // A block formed since has no census code, and its source says when it was formed and from what.
    const since = of('block').filter((b) => !b.censusCode);
    expect(since.map((b) => b.nameEn).sort()).toEqual(['Banarhat', 'Kalyani', 'Kranti', 'Lava', 'Pedong']);
    for (const b of since) expect(b.source, b.id).toMatch(/formed .*from /);
  });

  test('a retired code is never given again: AINs issued under it name only the office that had it', () => {
    // Kalimpong II (002) was split into Lava and Pedong in 2021; the import deletes or closes it, and nothing else
    // in Kalimpong may take its code.
    const retired: Record<string, string[]> = { kalimpong: ['002'] };
    for (const [district, codes] of Object.entries(retired)) {
      const used = rows.filter((r) => r.districtId === district && (r.kind === 'block' || r.kind === 'urban')).map((r) => r.code);
      for (const code of codes) expect(used, `${district} ${code}`).not.toContain(code);
    }
  });

  test('codes are unique where the AIN needs them: districts statewide, blocks and municipal areas per district', () => {
    expect(new Set(of('district').map((d) => d.code)).size).toBe(23);
    const areas = rows.filter((r) => r.kind === 'block' || r.kind === 'urban').map((r) => `${r.districtId} ${r.code}`);
    expect(new Set(areas).size).toBe(areas.length);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  test('every row names its source, and says so where no Bengali name was found', () => {
    for (const r of rows) {
      expect(r.source.length, r.id).toBeGreaterThan(5);
      if (!r.nameBn) expect(r.source, r.id).toMatch(/bn: not found/);
    }
  });

  test('North 24 Parganas keeps the ids, codes and names of migration 002, so every AIN issued stays valid', () => {
    const migration = readFileSync(join(import.meta.dirname, '../../migrations/002_north_24_parganas.sql'), 'utf8');
    const seeded = [...migration.matchAll(/\('([^']+)', '(district|subdivision|block)', '([0-9]+)', '([^']+)', '([^']+)', (?:'([^']+)'|null)/g)].map(
      ([, id, kind, code, nameEn, nameBn, parentId]) => ({ id, kind, code, nameEn, nameBn, parentId: parentId ?? null })
    );
    expect(seeded).toHaveLength(28);
    const inFile = rows.filter((r) => r.districtId === 'n24pgs' && r.kind !== 'urban').map(({ id, kind, code, nameEn, nameBn, parentId }) => ({ id, kind, code, nameEn, nameBn, parentId }));
    expect(inFile).toEqual(seeded);
  });
});

describe('parseOfficesCsv', () => {
  const header = 'kind,id,parent_id,code,census_code,name_en,name_bn,area_kind,source';
  const district = 'district,x,,30,,X District,,,test';

  test('refuses a bad row and names its line; a good file has no problem', () => {
    expect(parseOfficesCsv([header, district, 'subdivision,x/s,x,01,,S,,,test'].join('\n')).errors).toEqual([]);
    const bad = parseOfficesCsv(['# a comment', header, district, 'block,x/b,x/nowhere,001,,B,,,test', 'block,x/c,x,7,,C,,,', 'town,x/d,x,001,,D,,,t'].join('\n'));
    expect(bad.errors).toEqual([
      'line 4: parent "x/nowhere" is not an office on an earlier line',
      'line 5: source is empty: every row names where it comes from',
      'line 5: code "7" does not fit a block (^0[0-9]{2}$)',
      'line 6: kind "town" is not one of district, subdivision, block, urban'
    ]);
  });

  test('a code used twice in a district is refused, even under different subdivisions', () => {
    const file = [header, district, 'subdivision,x/s,x,01,,S,,,t', 'subdivision,x/t,x,02,,T,,,t', 'block,x/s/a,x/s,001,,A,,,t', 'block,x/t/b,x/t,001,,B,,,t'].join('\n');
    expect(parseOfficesCsv(file).errors).toEqual(['line 6: code 001 is already used in x on line 5']);
  });

  test('a quoted field may hold commas', () => {
    const { rows: parsed, errors: problems } = parseOfficesCsv([header, 'district,x,,30,,X,,,"census, and a page"'].join('\n'));
    expect(problems).toEqual([]);
    expect(parsed[0]!.source).toBe('census, and a page');
  });
});
