// The dashboard names the user's office; the administrator and the DM also manage staff here (the list comes with the
// page; the administrator's offices are the state's, the DM's their district's, everyone else's only their own
// district's, since the dashboard needs no more to name one office). With no network the lists are empty and the page
// leaves them out. The state officer's dashboard also lists the districts with their figures (issue 15), each a way
// into its report.
import { ask, client } from '$lib/api.ts';
import { districtOf, loadOffices } from '$lib/offices.ts';
import type { PageLoad } from './$types';

/** What a staff change on the dashboard invalidates to show the list as it is now. */
export const _staffDependency = 'app:staff';

export const load: PageLoad = async ({ fetch, parent, depends }) => {
  depends(_staffDependency);
  const { user } = await parent();
  const managesStaff = user.role === 'admin' || user.role === 'dm';
  const [offices, staff, summary] = await Promise.all([
    user.role === 'admin' ? loadOffices(fetch) : user.officeId ? loadOffices(fetch, { district: districtOf(user.officeId) }) : [],
    managesStaff ? ask(client.GET('/api/users', { fetch })) : null,
    user.role === 'state' ? ask(client.GET('/api/mis/summary', { fetch })) : null
  ]);
  return { offices, staff: staff?.ok ? staff.data.users : [], districts: summary?.ok ? summary.data.districts : [] };
};
