// The higher office's view: the blocks with applications past their time limit and the breaches behind them. A
// refusal or no network comes back as the answer, and the page shows its message. The state officer (issue 15)
// narrows to one district with `?district=`, an address like any other so the back button works; narrowed, the
// answer holds that district alone, so the district choice comes from the public list of districts instead, and
// the officer can move to another district without going back to "all" first.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, parent }) => {
  const district = url.searchParams.get('district') || undefined;
  const { user } = await parent();
  const [escalations, everyDistrict] = await Promise.all([
    ask(client.GET('/api/sla/escalations', { fetch, params: { query: { district } } })),
    user.role === 'state' && district ? ask(client.GET('/api/offices', { fetch, params: { query: { kind: 'district' } } })) : null
  ]);
  return { district: district ?? '', escalations, everyDistrict: everyDistrict?.ok ? everyDistrict.data.offices : [] };
};
