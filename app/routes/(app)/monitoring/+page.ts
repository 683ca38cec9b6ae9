// The higher office's view: the blocks with applications past their time limit and the breaches behind them. A
// refusal or no network comes back as the answer, and the page shows its message.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => ({ escalations: await ask(client.GET('/api/sla/escalations', { fetch })) });
