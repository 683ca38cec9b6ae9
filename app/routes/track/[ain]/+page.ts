// The page the receipt's QR code opens. Rendered in the browser: the status is fetched live, never cached as HTML.
import { ask, client } from '$lib/api.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import type { PageLoad } from './$types';

export const ssr = false;
export const prerender = false;

export const load: PageLoad = async ({ fetch, params }) => {
  // A QR code opens this page first, before the layout has set the language: the error comes back in the reader's.
  i18n.init();
  const res = await ask(client.GET('/api/track/{ain}', { params: { path: { ain: params.ain } }, fetch }));
  return res.ok ? { result: res.data, failed: null } : { result: null, failed: res.error.message };
};
