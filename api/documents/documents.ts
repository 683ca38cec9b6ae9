// The documents table: an upload kept against its uploader's quota, a document looked up for download, and the
// preview made of it once.
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';

export interface Upload {
  uploadedBy: string;
  kind: string;
  proof: string;
  bytes: Buffer;
  sha256: string;
  mime: string;
}

/**
 * Stores the bytes and the row, unless the uploader's unattached files would then pass the quota (413). Returns the
 * document's id.
 */
export async function storeUpload(deps: Pick<Deps, 'sql' | 'storage' | 'clock' | 'config'>, upload: Upload): Promise<string> {
  const { maxFiles, maxBytes } = deps.config.uploads;
  const size = upload.bytes.length;
  return deps.sql.begin(async (sql) => {
    // The three statements go to the database together (a transaction's queries share its connection and run in the
    // order sent), one round trip instead of three; each still waits for the one before it. Behind PgBouncer the
    // client sends one at a time (max_pipeline: 0, api/db/connect.ts), so there they are three round trips again.
    // - The uploader's row is the lock: parallel uploads by one person are counted against the quota one by one. NO
    //   KEY UPDATE (api/applications/access.ts): held across the file's write, it must not hold up the sweep's
    //   messages to an officer who uploads.
    // - The janitor takes the file's advisory lock before it removes a file no row uses (janitor.ts), so it cannot
    //   remove the bytes this upload finds already stored and refers to. An upload refused for its quota has taken it
    //   for nothing, until its transaction ends a moment later.
    const [, [held]] = await Promise.all([
      sql`select id from users where id = ${upload.uploadedBy} for no key update`,
      sql<{ files: number; bytes: number }[]>`
        select count(*)::int as files, coalesce(sum(size), 0)::bigint as bytes
        from documents where uploaded_by = ${upload.uploadedBy} and application_id is null`,
      sql`select pg_advisory_xact_lock(hashtextextended(${upload.sha256}, 0))`
    ]);
    if (held!.files + 1 > maxFiles || Number(held!.bytes) + size > maxBytes) {
      throw new ApiError(413, 'upload_quota', { vars: { files: held!.files, mb: Math.round(Number(held!.bytes) / 1048576) }, fields: { file: 'field.file' } });
    }
    await deps.storage.put(upload.bytes, upload.sha256);
    const [row] = await sql<{ id: string }[]>`
      insert into documents (uploaded_by, kind, proof, sha256, size, mime, created_at)
      values (${upload.uploadedBy}, ${upload.kind}, ${upload.proof}, ${upload.sha256}, ${size}, ${upload.mime}, ${deps.clock.now()})
      returning id`;
    return row!.id;
  });
}

export interface StoredDocument {
  uploadedBy: string;
  applicationId: string | null;
  sha256: string;
  previewSha256: string | null;
  mime: string;
  kind: string;
}

export async function getDocument(sql: Queryable, id: string): Promise<StoredDocument | null> {
  const [doc] = await sql<StoredDocument[]>`
    select uploaded_by, application_id::text, sha256, preview_sha256, mime, kind from documents where id = ${id}`;
  return doc ?? null;
}

export async function recordPreview(sql: Queryable, id: string, previewSha256: string): Promise<void> {
  await sql`update documents set preview_sha256 = ${previewSha256} where id = ${id}`;
}
