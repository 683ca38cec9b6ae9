// The page a certificate's QR code opens. Rendered in the browser: validity is fetched live, never cached as HTML.
export const ssr = false;
export const prerender = false;
