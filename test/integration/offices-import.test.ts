// All 23 districts (issue 15 item 1; DESIGN §15): the offices come from api/offices/west-bengal.csv, loaded at start on
// a fresh database and by `npm run offices:import`; an import is one transaction, idempotent, applies a rename, refuses
// a bad file as a whole and never deletes an office something refers to. An application filed in a block of another
// district carries that district's AIN digits.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOfficesImported, importOffices, parseOfficesCsv, readOfficesFile, type OfficeRow } from '../../api/offices/import.ts';
import { parseAin } from '../../shared/ain.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { sharedDatabase, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const file = readOfficesFile();
const { rows } = parseOfficesCsv(file.text);
const bankuraI = 'bankura/bankura-sadar/bankura-i';
const at = () => server.clock.now();

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
}, 120_000);
afterAll(() => server?.close());

const officeRow = async (id: string) =>
  (await server.runtime.deps.sql<{ nameEn: string; code: string; districtId: string }[]>`select name_en, code, district_id from offices where id = ${id}`)[0];

describe('the offices data file', () => {
  test('a fresh server has imported it: 23 districts, and a district asked for alone', async () => {
    const client = new Client(server.url);
    const districts = (await client.get('/api/offices?kind=district')).body.offices as { id: string; code: string; kind: string }[];
    expect(districts).toHaveLength(23);
    expect(districts.every((d) => d.kind === 'district')).toBe(true);
    expect(districts.find((d) => d.id === 'n24pgs')?.code).toBe('11');
    const bankura = (await client.get('/api/offices?district=bankura')).body.offices as { id: string; districtId: string; kind: string }[];
    expect(bankura.every((o) => o.districtId === 'bankura')).toBe(true);
    expect(bankura.filter((o) => o.kind === 'block')).toHaveLength(22);
    const [imports] = await server.runtime.deps.sql<{ n: number; checksum: string }[]>`select count(*)::int as n, max(checksum) as checksum from office_imports`;
    expect(imports).toEqual({ n: 1, checksum: file.checksum });
  });

  test('importing the same file again changes nothing', async () => {
    const report = await importOffices(server.runtime.deps.sql, rows, file.checksum, at());
    expect(report).toEqual({ rows: rows.length, inserted: 0, updated: 0, removed: [], kept: [] });
  });

  // Two instances starting at once on a new file (CI, 3 Dec: "Could not start: deadlock detected"): both saw no
  // import, both imported, and the second's upsert locked every office while the first, done, was seeding demo
  // accounts whose rows take key-share locks on their offices. Now the second finds the first's import under the lock.
  test('two starts on a changed file import it once: the second finds it done', async () => {
    const sql = server.runtime.deps.sql;
    const dir = mkdtempSync(join(tmpdir(), 'orc-offices-'));
    const path = join(dir, 'west-bengal.csv');
    writeFileSync(path, file.text.replace(',Bankura I,', ',Bankura-I,'));
    // On a shared database both starts are made to pass the quick check before either imports, as in the failure:
    // a third connection holds the import lock until both wait for it.
    const gate = sharedDatabase ? await sql.reserve() : null;
    try {
      await gate?.unsafe('begin');
      await gate?.unsafe('select pg_advisory_xact_lock(4411016)');
      const starts = Promise.all([ensureOfficesImported(sql, at(), path), ensureOfficesImported(sql, at(), path)]);
      let waiting = 0;
      for (let i = 0; gate && i < 500 && waiting < 2; i++) {
        const [w] = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event = 'advisory' and query like '%4411016%'`;
        waiting = w!.n;
        if (waiting < 2) await new Promise((r) => setTimeout(r, 20));
      }
      // Both starts must have passed the quick check, or this test proves nothing.
      if (gate) expect(waiting).toBe(2);
      await gate?.unsafe('rollback');
      const reports = await starts;
      expect(reports.filter((r) => r === null)).toHaveLength(1);
      expect(reports.find((r) => r !== null)).toMatchObject({ inserted: 0, updated: 1 });
    } finally {
      await gate?.unsafe('rollback').catch(() => {}); // never hand the pool back a connection holding the lock
      gate?.release();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await importOffices(sql, rows, file.checksum, at())).toMatchObject({ updated: 1 });
  });

  // An import beside live traffic: every new user, application and counter holds a key-share lock on its office
  // until it commits. Rewriting unchanged rows took their row locks too, so an import waited for those writers, and
  // a writer touching two offices could deadlock with it. A renamed office is written, but its key is unchanged, so
  // the import's lock on it must not conflict with a writer's key-share lock either.
  const besideAWriter = [
    { change: 'changes nothing', imported: rows, updated: 0 },
    { change: 'renames the office', imported: rows.map((r) => (r.id === bankuraI ? { ...r, nameEn: 'Bankura-I', source: r.source + ' (corrected)' } : r)), updated: 1 }
  ];
  test.skipIf(!sharedDatabase).each(besideAWriter)('an import that $change does not wait for a transaction using the office', async ({ change, imported, updated }) => {
    const sql = server.runtime.deps.sql;
    const writer = await sql.reserve();
    try {
      await writer`begin`;
      await writer`insert into users (id, name, mobile, role, office_id, password_hash) values ('bdo-bankura-i', 'Test bdo', '+919830050002', 'bdo', ${bankuraI}, 'x')`;
      const importing = importOffices(sql, imported, `beside a writer: ${change}`, at());
      let settled = false;
      void importing.then(() => (settled = true), () => (settled = true));
      let waited = false;
      for (let i = 0; i < 500 && !settled && !waited; i++) {
        waited = (await sql`select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock' and query like '%offices%'`).length > 0;
        await new Promise((r) => setTimeout(r, 20));
      }
      // The import must have committed while the writer was still open, whatever it might have waited on.
      const finishedBesideTheWriter = settled;
      await writer`rollback`; // lets a waiting import finish, so a failure here is an assertion, not a hang
      expect(waited).toBe(false);
      expect(finishedBesideTheWriter).toBe(true);
      expect(await importing).toMatchObject({ inserted: 0, updated });
    } finally {
      await writer`rollback`.catch(() => {});
      writer.release();
      await importOffices(sql, rows, file.checksum, at());
    }
  });

  test('a renamed office is updated, and only it', async () => {
    const renamed = rows.map((r) => (r.id === bankuraI ? { ...r, nameEn: 'Bankura-I' } : r));
    expect(await importOffices(server.runtime.deps.sql, renamed, 'renamed', at())).toMatchObject({ inserted: 0, updated: 1, removed: [], kept: [] });
    expect((await officeRow(bankuraI))?.nameEn).toBe('Bankura-I');
    expect(await importOffices(server.runtime.deps.sql, rows, file.checksum, at())).toMatchObject({ updated: 1 });
    expect((await officeRow(bankuraI))?.nameEn).toBe('Bankura I');
  });

  test('a bad file is refused with its lines named; a row the database refuses undoes the whole import', async () => {
    const broken = file.text.replace(/\nblock,bankura\/bankura-sadar\/bankura-i,bankura\/bankura-sadar,006,/, '\nblock,bankura/bankura-sadar/bankura-i,bankura/nowhere,6,');
    const { errors } = parseOfficesCsv(broken);
    const line = file.text.slice(0, file.text.indexOf('block,bankura/bankura-sadar/bankura-i,')).split('\n').length;
    expect(errors).toEqual([`line ${line}: code "6" does not fit a block (^0[0-9]{2}$)`, `line ${line}: parent "bankura/nowhere" is not an office on an earlier line`]);

    // A rename early in the file and a row the database refuses later: nothing of it is written.
    const renamed = rows.map((r) => (r.id === 'n24pgs/barasat-sadar/barasat-i' ? { ...r, nameEn: 'Barasat One' } : r));
    const bad: OfficeRow = { ...rows.at(-1)!, id: 'paschim-bardhaman/durgapur/bad', parentId: 'paschim-bardhaman/durgapur', code: '099', censusCode: 'not digits' };
    await expect(importOffices(server.runtime.deps.sql, [...renamed, bad], 'bad', at())).rejects.toThrow();
    expect((await officeRow('n24pgs/barasat-sadar/barasat-i'))?.nameEn).toBe('Barasat I');
    expect(await officeRow(bad.id)).toBeUndefined();
    const [imports] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from office_imports where checksum = 'bad'`;
    expect(imports!.n).toBe(0);
  });

  test('an office gone from the file is deleted when nothing refers to it, and kept and reported when something does', async () => {
    const sql = server.runtime.deps.sql;
    await insertUser(sql, { id: 'bdo-nayagram', role: 'bdo', officeId: 'jhargram/jhargram/nayagram', mobile: '+919830050001' });
    const without = rows.filter((r) => r.id !== 'jhargram/jhargram/nayagram' && r.id !== 'jhargram/jhargram/jamboni');
    const report = await importOffices(sql, without, 'without', at());
    expect(report).toMatchObject({ inserted: 0, updated: 0, removed: ['jhargram/jhargram/jamboni'], kept: ['jhargram/jhargram/nayagram'] });
    expect(await officeRow('jhargram/jhargram/nayagram')).toBeDefined();
    const [logged] = await sql<{ kept: string[] }[]>`select kept from office_imports where checksum = 'without'`;
    expect(logged!.kept).toEqual(['jhargram/jhargram/nayagram']);
    // Kept for the records that name it, but closed: the wizard no longer offers it.
    const listed = async () => ((await (await fetch(`${server.url}/api/offices?district=jhargram`)).json()) as { offices: { id: string }[] }).offices.map((o) => o.id);
    expect(await listed()).not.toContain('jhargram/jhargram/nayagram');
    // Back in the file, it is open again.
    expect(await importOffices(sql, rows, file.checksum, at())).toMatchObject({ inserted: 1, removed: [], kept: [] });
    expect(await listed()).toContain('jhargram/jhargram/nayagram');
  });

  test("a municipal area new in the file is offered, processed by its subdivision's SDO; gone from the file, it goes with that", async () => {
    const sql = server.runtime.deps.sql;
    const town: OfficeRow = { ...rows.find((r) => r.id === bankuraI)!, kind: 'urban', id: 'bankura/bankura-sadar/test-town-m', code: '199', censusCode: null, nameEn: 'Test Town Municipality', nameBn: null, areaKind: 'municipality', source: 'a test' };
    const processing = async () => sql<{ processingOfficeId: string; processingRole: string }[]>`
      select processing_office_id, processing_role from area_processing where area_office_id = ${town.id}`;
    const listed = async () => ((await (await fetch(`${server.url}/api/offices?district=bankura`)).json()) as { offices: { id: string }[] }).offices.map((o) => o.id);
    expect(await importOffices(sql, [...rows, town], 'with a town', at())).toMatchObject({ inserted: 1, removed: [], kept: [] });
    expect(await processing()).toEqual([{ processingOfficeId: 'bankura/bankura-sadar', processingRole: 'sdo' }]);
    expect(await listed()).toContain(town.id);
    // Moved out of its subdivision (to the district itself), it has no SDO, and is not offered until a person decides.
    expect(await importOffices(sql, [...rows, { ...town, parentId: 'bankura', subdivisionId: null }], 'the town in no subdivision', at())).toMatchObject({ inserted: 0, updated: 1 });
    expect(await processing()).toEqual([]);
    expect(await listed()).not.toContain(town.id);
    expect(await importOffices(sql, [...rows, town], 'the town back', at())).toMatchObject({ updated: 1 });
    expect(await processing()).toEqual([]); // a new SDO is set only for a new area or a move between subdivisions
    await sql`insert into area_processing (area_office_id, processing_office_id, processing_role, source)
              values (${town.id}, 'bankura/bankura-sadar', 'sdo', 'West Bengal practice: the SDO issues residential certificates for municipal areas (no GO found)')`;
    expect(await importOffices(sql, rows, file.checksum, at())).toMatchObject({ removed: [town.id], kept: [] });
    expect(await processing()).toEqual([]);
    expect(await listed()).not.toContain(town.id);
  });

  test("an application in a block of Bankura gets Bankura's district digits and the block's code in its AIN", async () => {
    const citizen = await loginClient(server.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, server.origin);
    const applicant = validApplicant({ presentAddress: { house: 'Vill. Kenduadihi', postOffice: 'Bankura', policeStation: 'Bankura', pin: '722101', blockId: bankuraI } });
    const res = await citizen.post('/api/applications', { applicant, documents }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(201);
    expect(parseAin(res.body.ain as string).ok).toBe(true);
    expect(String(res.body.ain).slice(2, 7)).toBe('13006'); // district 13 (Census 2011: Bankura), block 006
    expect((await officeRow(bankuraI))).toMatchObject({ code: '006', districtId: 'bankura' });
    // North 24 Parganas keeps 11.
    const n24 = await citizen.post('/api/applications', { applicant: validApplicant(), documents: await uploadDocumentSet(citizen, server.origin, 1) }, { 'idempotency-key': idempotencyKey() });
    expect(String(n24.body.ain).slice(2, 7)).toBe('11002');
  });

  test('a municipal area no office processes yet is neither offered nor taken; a counter files for its own district only', async () => {
    const offered = ((await (await fetch(`${server.url}/api/offices?district=kolkata`)).json()) as { offices: { id: string }[] }).offices.map((o) => o.id);
    expect(offered).toEqual(['kolkata']);
    const citizen = await loginClient(server.url, 'demo-citizen');
    const kmc = validApplicant({ presentAddress: { house: '5 Esplanade Row', postOffice: 'Kolkata GPO', policeStation: 'Hare Street', pin: '700001', blockId: 'kolkata/kmc' } });
    const refused = await citizen.post('/api/applications', { applicant: kmc, documents: await uploadDocumentSet(citizen, server.origin, 2) }, { 'idempotency-key': idempotencyKey() });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({ 'applicant.presentAddress.blockId': expect.stringContaining('not taken here yet') });

    // The demo CSC is in North 24 Parganas: a Bankura address is another district's to file.
    const operator = await loginClient(server.url, 'demo-operator');
    const bankura = validApplicant({ mobile: '9830050099', presentAddress: { house: 'Vill. Kenduadihi', postOffice: 'Bankura', policeStation: 'Bankura', pin: '722101', blockId: bankuraI } });
    const elsewhere = await operator.post('/api/applications', { applicant: bankura, documents: await uploadDocumentSet(operator, server.origin) }, { 'idempotency-key': idempotencyKey() });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.fields).toEqual({ 'applicant.presentAddress.blockId': 'A counter files applications for its own district only.' });
  });
});
