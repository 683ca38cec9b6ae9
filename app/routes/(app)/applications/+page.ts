// Applications by role, loaded before the page shows: a citizen's own and a counter's filings (kept on the device, so
// with no network the list as last synced is shown, and when), an officer's queue filtered by the status in the
// address (`?status=`), and an Enquiry Officer's visits, synced to the phone for the field (DESIGN §1).
import { ask, client, type Answer } from '$lib/api.ts';
import { getList, putList, reportsOf, type FieldReport } from '$lib/offline/db.ts';
import { syncEnquiries } from '$lib/offline/enquiries.ts';
import { statuses, type Status } from '$shared/workflow.ts';
import type { PageLoad } from './$types';

type Listed = Answer<'/api/applications'>['applications'][number];
export type Row = Pick<Listed, 'ain' | 'status' | 'applicantName' | 'submittedAt' | 'dueAt'> & { address?: string };

interface List {
  rows: Row[];
  /** The officer's filter, from the address; empty for all. */
  status: Status | '';
  /** The Enquiry Officer's list is the copy on the phone. */
  offline: boolean;
  /** With no network, when the citizen's or counter's list shown was last synced. */
  syncedAt: number | null;
  /** No network and no list kept on the device. */
  unreachable: boolean;
  /** The Enquiry Officer's field reports on the phone, by AIN. */
  reports: Record<string, FieldReport>;
}

export const load: PageLoad = async ({ fetch, url, parent }): Promise<List> => {
  const { user } = await parent();
  const list: List = { rows: [], status: '', offline: false, syncedAt: null, unreachable: false, reports: {} };
  if (user.role === 'eo') return { ...list, ...(await enquiries(user.id, fetch)) };

  const isOfficer = !['citizen', 'operator'].includes(user.role);
  const asked = url.searchParams.get('status');
  const status = isOfficer ? (statuses.find((s) => s === asked) ?? '') : '';
  const res = await ask(client.GET('/api/applications', { fetch, params: { query: status ? { status } : {} } }));
  if (res.ok) {
    // A full or private-mode store only means no offline copy, never a broken list.
    if (!isOfficer) await putList(user.id, res.data.applications).catch(() => {});
    return { ...list, status, rows: res.data.applications };
  }
  // "No applications yet" would be false to a citizen who has two: with no network, show the last synced list.
  const cached = !isOfficer && res.status === 0 ? await getList<Row>(user.id).catch(() => undefined) : undefined;
  if (cached) return { ...list, rows: cached.rows, syncedAt: cached.savedAt };
  return { ...list, status, unreachable: res.status === 0 };
};

/** The field officer's list comes from the phone when there is no network (DESIGN §1). */
async function enquiries(userId: string, fetcher: typeof fetch): Promise<Pick<List, 'rows' | 'offline' | 'reports'>> {
  const { enquiries, offline } = await syncEnquiries(userId, fetcher);
  const reports = Object.fromEntries((await reportsOf(userId)).map((r) => [r.ain, r]));
  const rows = enquiries.map(({ detail: d }): Row => {
    // A form stored before the schema held every field (test data, an old row) may lack some: shown blank.
    const a: Partial<typeof d.applicant> = d.applicant ?? {};
    return {
      ain: d.ain,
      status: d.status,
      applicantName: a.name ?? '',
      submittedAt: d.submittedAt,
      dueAt: d.dueAt,
      address: a.presentAddress ? `${a.presentAddress.house}, ${a.presentAddress.postOffice} ${a.presentAddress.pin}` : ''
    };
  });
  return { rows: [...rows, ...(await actingQueue(userId, rows, fetcher))], offline, reports };
}

/**
 * An EO on acting charge (issue 13 item 2) also works the office's queue while the charge lasts: the server lists
 * it with the EO's enquiries, and the queue rows follow the enquiries kept on the phone.
 */
async function actingQueue(userId: string, listed: Row[], fetcher: typeof fetch): Promise<Row[]> {
  const charges = await ask(client.GET('/api/acting-charges', { fetch: fetcher }));
  // Begun by the server's day, which is the one the server acts on, not the phone's.
  if (!charges.ok || !charges.data.charges.some((c) => c.actingUserId === userId && c.startsOn <= charges.data.today)) return [];
  const res = await ask(client.GET('/api/applications', { fetch: fetcher, params: { query: {} } }));
  if (!res.ok) return [];
  const ains = new Set(listed.map((r) => r.ain));
  return res.data.applications.filter((r) => !ains.has(r.ain));
}
