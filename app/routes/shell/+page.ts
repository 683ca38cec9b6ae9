// An empty, browser-rendered page: the service worker answers any navigation it has no page for (an application's
// detail, a tracking page) with this shell while offline, and SvelteKit's router then renders the real route.
export const ssr = false;
