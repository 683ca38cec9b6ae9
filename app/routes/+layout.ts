// Every page is prerendered: the service worker precaches them all, so the app opens with no network at all.
// Pages that show personal data render in the browser only (ssr = false in their group), never into cached HTML.
export const prerender = true;
export const trailingSlash = 'never';
