// The dashboard names the user's office. With no network the list is empty and the page simply leaves the office out.
// The state officer's dashboard also lists the districts with their figures (issue 15), each a way into its report.
import { ask, client } from '$lib/api.ts';
import { loadOffices } from '$lib/offices.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  const { user } = await parent();
  const [offices, summary] = await Promise.all([loadOffices(fetch), user.role === 'state' ? ask(client.GET('/api/mis/summary', { fetch })) : null]);
  return { offices, districts: summary?.ok ? summary.data.districts : [] };
};
