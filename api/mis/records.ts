// The MIS records (seed §D): every summary PDF an officer downloads is kept, under its number, with who made it,
// when, for which offices and period, and the SHA-256 of its bytes.
import type { Queryable } from '../db/connect.ts';

export interface MisRecord {
  id: string;
  pdfSha256: string;
  generatedBy: string;
  generatedAt: Date;
  scope: string;
  periodFrom: string;
  periodTo: string;
  lang: string;
}

export async function keepMisRecord(sql: Queryable, r: MisRecord): Promise<void> {
  await sql`
    insert into mis_records (id, pdf_sha256, generated_by, generated_at, scope, period_from, period_to, lang)
    values (${r.id}, ${r.pdfSha256}, ${r.generatedBy}, ${r.generatedAt}, ${r.scope}, ${r.periodFrom}, ${r.periodTo}, ${r.lang})`;
}

export async function getMisRecord(sql: Queryable, id: string): Promise<MisRecord | null> {
  const [record] = await sql<MisRecord[]>`
    select id, pdf_sha256, generated_by, generated_at, scope, period_from::text, period_to::text, lang from mis_records where id = ${id}`;
  return record ?? null;
}
