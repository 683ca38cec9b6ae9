import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type Plugin } from 'vite';

/**
 * In `vite dev`, /api and /sms are served by the same composition root as in production, mounted in front of
 * SvelteKit, so the dev server behaves like `npm start`.
 */
function apiInDev(): Plugin {
  return {
    name: 'edistrict-api-in-dev',
    apply: 'serve',
    async configureServer(server) {
      const { createRuntime } = (await server.ssrLoadModule('/server.ts')) as typeof import('./server.ts');
      const { loadConfig } = (await server.ssrLoadModule('/api/config.ts')) as typeof import('./api/config.ts');
      const port = server.config.server.port ?? 5173;
      const runtime = await createRuntime(loadConfig({ ...process.env, ORIGIN: process.env.ORIGIN ?? `http://localhost:${port}` }));
      server.middlewares.use((req, res, next) => runtime.route(req, res, next));
      server.httpServer?.once('close', () => void runtime.close());
    }
  };
}

export default defineConfig({
  plugins: [
    apiInDev(),
    sveltekit(),
    SvelteKitPWA({
      strategies: 'generateSW',
      // Absolute, because SvelteKit's relative asset paths would register /dev/sw.js from /dev/inbox.
      base: '/',
      scope: '/',
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        id: '/',
        name: 'ই-ডিস্ট্রিক্ট: সাধারণ বাসিন্দা শংসাপত্র — e-District: Ordinary Residential Certificate',
        short_name: 'ই-ডিস্ট্রিক্ট e-District',
        description: 'Apply for and track the Ordinary Residential Certificate, North 24 Parganas',
        lang: 'bn',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b5d3b',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
        ]
      },
      workbox: {
        // The whole shell: every prerendered page and every built asset. The API is never cached here.
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff2,webmanifest}', 'prerendered/**/*.html'],
        // Pages that were not prerendered (an application, a tracking page) open offline through this shell.
        navigateFallback: '/shell',
        navigateFallbackDenylist: [/^\/api\//, /^\/sms\//],
        cleanupOutdatedCaches: true,
        // Push notifications: static/push-sw.js shows them and opens the application on a tap.
        importScripts: ['/push-sw.js'],
        runtimeCaching: [
          // The list of blocks is public and changes rarely; the wizard needs it with no network.
          { urlPattern: ({ url }) => url.pathname === '/api/offices', handler: 'StaleWhileRevalidate', options: { cacheName: 'offices' } }
        ]
      }
    })
  ],
  server: { port: 5173 }
});
