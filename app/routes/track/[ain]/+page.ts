// The page the receipt's QR code opens. Rendered in the browser: the status is fetched live, never cached as HTML.
export const ssr = false;
export const prerender = false;
