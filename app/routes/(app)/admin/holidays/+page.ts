// The administrator's holidays of the year in the address (`?year=`, this year when none), and the time limits they
// feed. Anyone else is told the page is not theirs without asking the API.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, parent }) => {
  const year = Number(url.searchParams.get('year')) || new Date().getFullYear();
  const { user } = await parent();
  if (user.role !== 'admin') return { year, holidays: null, rules: [] };
  const [holidays, rules] = await Promise.all([
    ask(client.GET('/api/holidays', { fetch, params: { query: { year } } })),
    ask(client.GET('/api/sla/rules', { fetch }))
  ]);
  return { year, holidays, rules: rules.ok ? rules.data.rules : [] };
};
