// The higher office's view: the blocks with applications past their time limit and the breaches behind them. A
// refusal or no network comes back as the answer, and the page shows its message. The state officer (issue 15)
// narrows to one district with `?district=`, an address like any other so the back button works.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
  const district = url.searchParams.get('district') || undefined;
  return { district: district ?? '', escalations: await ask(client.GET('/api/sla/escalations', { fetch, params: { query: { district } } })) };
};
