// A staff account's page (issue 13 item 1): the account, its changes and the open work it holds, with the offices a
// posting may name. The API decides who may see it (the administrator; the DM for the district's staff); a refusal
// comes back as the answer and the page shows its message.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const prerender = false;

export const load: PageLoad = async ({ params, fetch }) => {
  const [account, offices] = await Promise.all([
    ask(client.GET('/api/users/{id}', { params: { path: { id: params.id } }, fetch })),
    ask(client.GET('/api/offices', { fetch }))
  ]);
  return { account, offices: offices.ok ? offices.data.offices : [] };
};
