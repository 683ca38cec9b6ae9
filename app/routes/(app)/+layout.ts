// Pages for a logged-in user. They render in the browser only, so no personal data is ever prerendered or cached
// as HTML; the data comes from the API on each visit.
import { redirect } from '@sveltejs/kit';
import { routes } from '$lib/routes.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import { session } from '$lib/session.svelte.ts';
import type { LayoutLoad } from './$types';

export const ssr = false;

export const load: LayoutLoad = async ({ fetch, url }) => {
  // Before any page's load asks the API: its answers (an error's message) come in the reader's language. The root
  // layout's onMount, which also does this, runs only after the loads.
  i18n.init();
  const user = await session.refresh(fetch);
  if (!user) redirect(307, routes.login);
  // A one-time password must be replaced before anything else (seed, web channel step 3; issue 2).
  if (user.mustChangePassword && url.pathname !== routes.password) redirect(307, routes.password);
  return { user };
};
