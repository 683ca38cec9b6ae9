// Uploads never attached to an application are removed after UPLOAD_UNATTACHED_HOURS (24), with their files
// (issue 11): a citizen who gives up on a draft, or someone filling the disk, leaves nothing behind for long. Files
// are content-addressed and may be shared (the same scan in two uploads, a preview), so a file goes only when no row
// refers to it any more, checked under the same per-file lock an upload takes before it refers to stored bytes.
import type { Deps } from '../deps.ts';

export async function removeUnattachedUploads(deps: Pick<Deps, 'sql' | 'clock' | 'storage' | 'config'>): Promise<{ documents: number; files: number }> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.uploads.unattachedMs);
  const gone = await deps.sql<{ sha256: string; previewSha256: string | null }[]>`
    delete from documents where application_id is null and created_at < ${cutoff}
    returning sha256, preview_sha256`;
  const candidates = new Set(gone.flatMap((d) => (d.previewSha256 ? [d.sha256, d.previewSha256] : [d.sha256])));
  let files = 0;
  for (const sha of candidates) {
    const removed = await deps.sql.begin(async (sql) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${sha}, 0))`;
      const [used] = await sql`
        select 1 from documents where sha256 = ${sha} or preview_sha256 = ${sha}
        union all select 1 from certificates where pdf_sha256 = ${sha}
        limit 1`;
      if (used) return false;
      await deps.storage.remove(sha);
      return true;
    });
    if (removed) files += 1;
  }
  return { documents: gone.length, files };
}

/** Runs the janitor every hour in this process (any number of processes may: each row is deleted once). */
export function startUploadJanitor(deps: Pick<Deps, 'sql' | 'clock' | 'storage' | 'config' | 'log'>, intervalMs = 3_600_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = removeUnattachedUploads(deps)
      .then((r) => r.documents && deps.log.info('unattached_uploads_removed', r))
      .catch((err: unknown) => deps.log.warn('upload_janitor_failed', { error: err instanceof Error ? err.message : String(err) }));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    }
  };
}
