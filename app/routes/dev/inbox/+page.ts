// Development only: rendered in the browser, so nothing is prerendered from the outbox. The API answers 404 in
// production, and the page says the inbox is not there. No answer here is in words, so the reader's language, which
// the root layout sets only after the loads, does not matter.
import { ask, client } from '$lib/api.ts';
import type { PageLoad } from './$types';

export const ssr = false;

export const load: PageLoad = async ({ fetch }) => {
  const res = await ask(client.GET('/api/dev/outbox', { fetch }));
  return { messages: res.ok ? res.data.messages : null };
};
