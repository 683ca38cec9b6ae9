// The counter network for the administrator or the DM: the counters and operators in the manager's reach, and the
// offices a counter may serve. Anyone else is told the page is not theirs without asking the API.
import { ask, client } from '$lib/api.ts';
import { loadOffices } from '$lib/offices.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  const { user } = await parent();
  if (user.role !== 'admin' && user.role !== 'dm') return { managed: null, offices: [] };
  const [managed, offices] = await Promise.all([ask(client.GET('/api/counters/managed', { fetch })), loadOffices(fetch)]);
  return { managed, offices };
};
