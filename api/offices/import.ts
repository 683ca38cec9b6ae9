// The offices of West Bengal come from one data file, api/offices/west-bengal.csv (issue 15 item 1; DESIGN §15): every
// district, subdivision, CD block and municipal area, each row with its source. Counters (kiosks and CSCs) are not
// in it: the administrator and the DM manage those in the app (api/counters/).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type postgres from 'postgres';
import type { Queryable, Sql } from '../db/connect.ts';

export const OFFICES_CSV = join(import.meta.dirname, 'west-bengal.csv');

/** The kinds the data file owns; an office of another kind is never touched by an import. */
export const IMPORTED_KINDS = ['district', 'subdivision', 'block', 'urban'] as const;
type ImportedKind = (typeof IMPORTED_KINDS)[number];

/** Why an imported municipal area goes to its SDO (migration 013 gave North 24 Parganas's the same words). */
const SDO_PRACTICE = 'West Bengal practice: the SDO issues residential certificates for municipal areas (no GO found)';

const COLUMNS = ['kind', 'id', 'parent_id', 'code', 'census_code', 'name_en', 'name_bn', 'area_kind', 'source'] as const;

// The AIN carries the district's 2 digits and the office's 3 (DESIGN §4); municipal areas take 101 upwards so they
// never meet a block's code (migration 013).
const CODE_RULES: Record<ImportedKind, RegExp> = {
  district: /^[0-9]{2}$/,
  subdivision: /^[0-9]{2}$/,
  block: /^0[0-9]{2}$/,
  urban: /^1[0-9]{2}$/
};
const PARENT_KINDS: Record<ImportedKind, ImportedKind[]> = {
  district: [],
  subdivision: ['district'],
  block: ['subdivision', 'district'],
  urban: ['subdivision', 'district']
};

/**
 * Parses and checks the whole file; a file with any bad row is refused as a whole, each problem named with its line.
 * Lines starting with # are the file's own documentation.
 */
export function parseOfficesCsv(text: string): { rows: OfficeRow[]; errors: string[] } {
  const errors: string[] = [];
  const rows: OfficeRow[] = [];
  let header: string[] | null = null;
  const byId = new Map<string, OfficeRow>();
  const areaCodes = new Map<string, number>();
  const districtCodes = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const cells = splitCsvLine(raw);
    if (!cells) return void errors.push(`line ${line}: an unclosed quote`);
    if (!header) {
      header = cells;
      if (cells.join(',') !== COLUMNS.join(',')) errors.push(`line ${line}: the header must be ${COLUMNS.join(',')}`);
      return;
    }
    if (cells.length !== COLUMNS.length) return void errors.push(`line ${line}: ${cells.length} fields, expected ${COLUMNS.length}`);
    const [kind, id, parentId, code, censusCode, nameEn, nameBn, areaKind, source] = cells.map((c) => c.trim()) as [string, ...string[]];
    const problems: string[] = [];
    if (!(IMPORTED_KINDS as readonly string[]).includes(kind)) problems.push(`kind "${kind}" is not one of ${IMPORTED_KINDS.join(', ')}`);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*(\/[a-z0-9]+(-[a-z0-9]+)*)*$/.test(id ?? '')) problems.push(`id "${id}" is not lowercase words joined by - and /`);
    if (byId.has(id!)) problems.push(`id "${id}" appears twice (first on line ${byId.get(id!)!.line})`);
    if (!nameEn) problems.push('name_en is empty');
    if (!source) problems.push('source is empty: every row names where it comes from');
    if (censusCode && !/^[0-9]{3,5}$/.test(censusCode)) problems.push(`census_code "${censusCode}" is not 3–5 digits`);
    const k = kind as ImportedKind;
    if (CODE_RULES[k] && !CODE_RULES[k].test(code!)) problems.push(`code "${code}" does not fit a ${k} (${CODE_RULES[k].source})`);
    if (k === 'urban' && !['municipal_corporation', 'municipality'].includes(areaKind!)) problems.push('a municipal area needs area_kind municipal_corporation or municipality');
    if (k !== 'urban' && areaKind) problems.push('area_kind is only for a municipal area');
    let districtId = id!;
    let subdivisionId: string | null = null;
    if (PARENT_KINDS[k]) {
      if (k === 'district') {
        if (parentId) problems.push('a district has no parent');
      } else {
        const parent = byId.get(parentId!);
        if (!parent) problems.push(`parent "${parentId}" is not an office on an earlier line`);
        else if (!PARENT_KINDS[k].includes(parent.kind)) problems.push(`a ${k} cannot sit under a ${parent.kind}`);
        else {
          if (!id!.startsWith(`${parentId}/`)) problems.push(`id "${id}" must start with its parent's id "${parentId}/"`);
          districtId = parent.districtId;
          subdivisionId = parent.kind === 'subdivision' ? parent.id : parent.subdivisionId;
        }
      }
    }
    if (k === 'district' && districtCodes.has(code!)) problems.push(`district code ${code} is already used on line ${districtCodes.get(code!)}`);
    if ((k === 'block' || k === 'urban') && areaCodes.has(`${districtId} ${code}`)) problems.push(`code ${code} is already used in ${districtId} on line ${areaCodes.get(`${districtId} ${code}`)}`);
    if (problems.length) return void errors.push(...problems.map((p) => `line ${line}: ${p}`));
    const row: OfficeRow = { line, kind: k, id: id!, parentId: parentId || null, code: code!, censusCode: censusCode || null, nameEn: nameEn!, nameBn: nameBn || null, areaKind: (areaKind || null) as OfficeRow['areaKind'], source: source!, districtId, subdivisionId: k === 'subdivision' ? id! : subdivisionId };
    byId.set(row.id, row);
    if (k === 'district') districtCodes.set(code!, line);
    if (k === 'block' || k === 'urban') areaCodes.set(`${districtId} ${code}`, line);
    rows.push(row);
  });
  if (!header) errors.push('the file has no header line');
  return { rows, errors };
}

/** One line of RFC 4180 CSV (fields quoted with " when they hold a comma; "" is a quote). Null when a quote is left open. */
function splitCsvLine(line: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

/**
 * Writes the file in one transaction: a new office is inserted, a changed one (renamed, recoded, moved) updated, an
 * unchanged one not written at all (so it takes no row lock), so running it twice changes nothing. An office of an
 * imported kind that is no longer in the file is removed only if nothing refers to it (an application, a user, a
 * counter, an appeal rule); otherwise it is kept and reported, for a person to decide.
 */
export async function importOffices(sql: Sql, rows: OfficeRow[], checksum: string, at: Date): Promise<ImportReport> {
  return sql.begin(async (tx) => {
    await lockImports(tx);
    return writeImport(tx, rows, checksum, at);
  });
}

/** Two imports never run at once: the second waits here, in its transaction, for the first to commit. */
async function lockImports(tx: Queryable): Promise<void> {
  await tx`select pg_advisory_xact_lock(4411016)`;
}

async function writeImport(tx: postgres.TransactionSql, rows: OfficeRow[], checksum: string, at: Date): Promise<ImportReport> {
  const values = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    code: r.code,
    nameEn: r.nameEn,
    nameBn: r.nameBn ?? r.nameEn,
    parentId: r.parentId,
    districtId: r.districtId,
    subdivisionId: r.subdivisionId,
    areaKind: r.areaKind,
    source: r.source,
    censusCode: r.censusCode
  }));
  // Only the rows that differ are written. Writing every row (as an upsert of the whole file once did) locked each
  // one, and an office row is what each new user, application and counter takes a key-share lock on: locking all
  // 450 offices to change none made a live import wait for (and, with a second start seeding users, deadlock on)
  // everyday writes.
  const current = new Map(
    (await tx<(typeof values[number] & { closedAt: Date | null })[]>`
      select id, kind, code, name_en, name_bn, parent_id, district_id, subdivision_id, area_kind, source, census_code, closed_at
      from offices where kind in ${tx(IMPORTED_KINDS)}`).map((r) => [r.id, r])
  );
  const columns = ['id', 'kind', 'code', 'nameEn', 'nameBn', 'parentId', 'districtId', 'subdivisionId', 'areaKind', 'source', 'censusCode'] as const;
  const differing = values.filter((v) => {
    const now = current.get(v.id);
    return !now || now.closedAt !== null || columns.some((c) => now[c] !== v[c]);
  });
  // New offices are inserted, then changed ones updated by a plain UPDATE, not an upsert. The key columns, for row
  // locks, are those of a unique index a foreign key could use: id, and parent_id, kind, code
  // (offices_code_per_parent). An upsert whose SET names one locks the row FOR UPDATE even when its value is
  // unchanged (PostgreSQL's executor, ExecOnConflictUpdate → ExecUpdateLockMode), and that waits for every open
  // transaction holding a key-share lock on the office; a plain UPDATE takes FOR NO KEY UPDATE unless a key value
  // really changes (the manual, "Row-Level Locks"). So a renamed office or a corrected source no longer waits for
  // the users and applications of that office being written at that moment; a recode or a move still does.
  // Because the inserts come first, a code freed by a recode cannot go to a new office in the same import: the
  // unique index refuses it and nothing is written. Giving a code to another place makes old AINs ambiguous, so
  // that takes two imports, on purpose.
  const inserted = differing.filter((v) => !current.has(v.id));
  const updated = differing.filter((v) => current.has(v.id));
  if (inserted.length) await tx`insert into offices ${tx(inserted as Record<string, string | null>[], [...columns])}`;
  // A new municipal area in a subdivision is processed by that subdivision's SDO, as migration 013 set North 24
  // Parganas's: the state's practice, not a government order found, so it is data a district may change. One with
  // no subdivision (the Kolkata Municipal Corporation) gets none, and is not offered until a person decides.
  const newAreas = inserted.filter((v) => v.kind === 'urban' && v.subdivisionId).map((v) => v.id);
  if (newAreas.length) {
    await tx`
      insert into area_processing (area_office_id, processing_office_id, processing_role, source)
      select id, subdivision_id, 'sdo', ${SDO_PRACTICE} from offices where id = any(${newAreas}::text[])
      on conflict (area_office_id) do nothing`;
  }
  let updatedCount = 0;
  if (updated.length) {
    // The cast is for postgres.js's types only, which leave null out of a values list; it sends null as NULL. The
    // count is the database's, so the report cannot claim rows the join did not find.
    updatedCount = (await tx`
      update offices o set
        kind = v.kind, code = v.code, name_en = v.name_en, name_bn = v.name_bn, parent_id = v.parent_id,
        district_id = v.district_id, subdivision_id = v.subdivision_id, area_kind = v.area_kind, source = v.source,
        census_code = v.census_code, closed_at = null
      from (values ${tx(updated.map((v) => columns.map((c) => v[c])) as string[][])})
        as v (id, kind, code, name_en, name_bn, parent_id, district_id, subdivision_id, area_kind, source, census_code)
      where o.id = v.id`).count;
    // A municipal area moved to another subdivision goes to that one's SDO, and one moved out of any subdivision to no
    // one, where its processing is still the practice the import set; a person's own choice stays.
    const movedAreas = updated.filter((v) => v.kind === 'urban' && current.get(v.id)!.subdivisionId !== v.subdivisionId).map((v) => v.id);
    if (movedAreas.length) {
      await tx`
        update area_processing p set processing_office_id = o.subdivision_id
        from offices o
        where p.area_office_id = o.id and o.id = any(${movedAreas}::text[]) and o.subdivision_id is not null and p.source = ${SDO_PRACTICE}`;
      await tx`
        delete from area_processing p using offices o
        where p.area_office_id = o.id and o.id = any(${movedAreas}::text[]) and o.subdivision_id is null and p.source = ${SDO_PRACTICE}`;
    }
  }
  const gone = await tx<{ id: string }[]>`
    select id from offices
    where kind in ${tx(IMPORTED_KINDS)} and id <> all(${rows.map((r) => r.id)}::text[])
    order by case kind when 'district' then 3 when 'subdivision' then 2 else 1 end, id`;
  const removed: string[] = [];
  const kept: string[] = [];
  for (const { id } of gone) {
    try {
      // Who processes a municipal area is about the area, and goes with it; anything else naming it keeps it.
      await tx.savepoint(async (sp) => {
        await sp`delete from area_processing where area_office_id = ${id}`;
        await sp`delete from offices where id = ${id}`;
      });
      removed.push(id);
    } catch (e) {
      if ((e as { code?: string }).code !== '23503') throw e;
      kept.push(id);
    }
  }
  // A kept office stays for the records that name it, but takes no new applications: closed, so no list offers it.
  if (kept.length) await tx`update offices set closed_at = coalesce(closed_at, ${at}) where id = any(${kept}::text[])`;
  const report: ImportReport = {
    rows: rows.length,
    inserted: inserted.length,
    updated: updatedCount,
    removed,
    kept
  };
  await tx`
    insert into office_imports (checksum, imported_at, inserted, updated, removed, kept)
    values (${checksum}, ${at}, ${report.inserted}, ${report.updated}, ${removed.length}, ${kept}::text[])`;
  return report;
}

export function readOfficesFile(path = OFFICES_CSV): { text: string; checksum: string } {
  const text = readFileSync(path, 'utf8');
  return { text, checksum: createHash('sha256').update(text).digest('hex') };
}

/**
 * At start: loads the data file when it differs from the last one imported, so a fresh database gets every district
 * and a deployment that ships a corrected file applies it. A bad file stops the start, naming its lines.
 */
export async function ensureOfficesImported(sql: Sql, at: Date, path = OFFICES_CSV): Promise<ImportReport | null> {
  const { text, checksum } = readOfficesFile(path);
  if (await lastImportChecksum(sql) === checksum) return null; // the everyday start: one query, no lock
  const { rows, errors } = parseOfficesCsv(text);
  if (errors.length) throw new OfficesFileError(path, errors);
  return sql.begin(async (tx) => {
    await lockImports(tx);
    // Checked again under the lock: of two instances starting together, the second finds the first's import here.
    if ((await lastImportChecksum(tx)) === checksum) return null;
    return writeImport(tx, rows, checksum, at);
  });
}

async function lastImportChecksum(sql: Queryable): Promise<string | null> {
  const [row] = await sql<{ checksum: string }[]>`select checksum from office_imports order by id desc limit 1`;
  return row?.checksum ?? null;
}

export class OfficesFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[]
  ) {
    super(`${path} has ${problems.length} bad row(s), nothing was imported:\n  ${problems.join('\n  ')}`);
  }
}

export interface OfficeRow {
  /** Line in the file, for messages. */
  line: number;
  kind: ImportedKind;
  id: string;
  parentId: string | null;
  code: string;
  censusCode: string | null;
  nameEn: string;
  /** Null where no published Bengali name was found; the English name is stored in its place. */
  nameBn: string | null;
  areaKind: 'municipal_corporation' | 'municipality' | null;
  source: string;
  districtId: string;
  subdivisionId: string | null;
}

export interface ImportReport {
  rows: number;
  inserted: number;
  updated: number;
  /** Offices no longer in the file and referred to by nothing: deleted. */
  removed: string[];
  /** Offices no longer in the file but still referred to: kept, for a person to decide. */
  kept: string[];
}
