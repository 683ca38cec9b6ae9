// The administrator's dead-letter queue. Anyone else is told the page is not theirs without asking the API.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  const { user } = await parent();
  return { messages: user.role === 'admin' ? await ask(client.GET('/api/admin/messages', { fetch })) : null };
};
