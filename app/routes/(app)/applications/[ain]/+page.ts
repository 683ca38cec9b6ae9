// One application, as its reader may see it. The Enquiry Officer's copy comes through the phone's store, so an
// enquiry opened in the field without a network shows the copy taken when it was last online (`offline`), and
// whether a report written here is still waiting to go. Actions on the page re-run this load (`invalidate`).
import { ask, client } from '$lib/api.ts';
import { getReport } from '$lib/offline/db.ts';
import { loadEnquiry } from '$lib/offline/enquiries.ts';
import type { PageLoad } from './$types';

export const prerender = false;

/** What the page's actions invalidate to show the application as it is now (SvelteKit wants `_` on such exports). */
export const _applicationDependency = 'app:application';

export const load: PageLoad = async ({ fetch, params, parent, depends }) => {
  depends(_applicationDependency);
  const { user } = await parent();
  if (user.role === 'eo') {
    const [result, local] = await Promise.all([loadEnquiry(params.ain, user.id, fetch), getReport(params.ain)]);
    if ('error' in result) return { detail: null, failed: result.error, offline: false, hasLocalReport: !!local };
    return { detail: result.detail, failed: null, offline: result.offline, hasLocalReport: !!local };
  }
  const res = await ask(client.GET('/api/applications/{ain}', { params: { path: { ain: params.ain } }, fetch }));
  return res.ok ? { detail: res.data, failed: null, offline: false, hasLocalReport: false } : { detail: null, failed: res.error.message, offline: false, hasLocalReport: false };
};
