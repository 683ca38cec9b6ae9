// DESIGN §10, in Debian's Chromium: photo compression on a phone profile (12 MP → ≤ 400 KB, long edge ≥ 1600 px,
// ≤ 1.5 s), first-load JavaScript of the landing and apply pages (≤ 100 KB gzipped for the landing page), and
// Lighthouse's mobile performance and accessibility scores.
import { chromium, devices, type Browser } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import sharp from 'sharp';
import { login, withServer, type BenchOptions, type BenchServer } from './support.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Compressed bytes of JavaScript a first visit downloads (no service worker yet, nothing cached). */
async function jsBytes(browser: Browser, url: string, cookie?: { name: string; value: string; url: string }): Promise<number> {
  const context = await browser.newContext({ ...devices['Galaxy S9+'], viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
  if (cookie) await context.addCookies([cookie]);
  const page = await context.newPage();
  let total = 0;
  const pending: Promise<void>[] = [];
  page.on('requestfinished', (req) => {
    if (req.resourceType() === 'script' || req.url().endsWith('.js')) pending.push(req.sizes().then((s) => void (total += s.responseBodySize)));
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await Promise.all(pending);
  await context.close();
  return total;
}

export async function benchBrowser({ smoke = false }: BenchOptions = {}) {
  return withServer({}, (server) => measure(server, smoke));
}

async function measure(server: BenchServer, smoke: boolean) {
  const cookie = await login(server.url, 'demo-citizen');
  const browser = await chromium.launch({ executablePath, args });
  const context = await browser.newContext({ ...devices['Galaxy S9+'], viewport: { width: 360, height: 740 } });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);

  const landingJs = await jsBytes(browser, server.url + '/');
  const applyJs = await jsBytes(browser, server.url + '/apply', { name, value, url: server.url });

  // A 12 MP camera photo (4000 × 3000) of a textured scene, through the real file chooser.
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#7a8a6a', noise: { type: 'gaussian', mean: 110, sigma: 25 } } })
    .jpeg({ quality: 88 })
    .toBuffer();
  const page = await context.newPage();
  await page.goto(server.url + '/apply?step=documents', { waitUntil: 'networkidle' });
  const runs: { ms: number; uiMs: number; kb: number; longEdge: number }[] = [];
  const photos = smoke ? 1 : 3;
  for (let i = 0; i < photos; i++) {
    const chooser = page.waitForEvent('filechooser');
    await page.locator('fieldset[id="documents.photo"]').getByText('Choose a file').click();
    const started = Date.now();
    await (await chooser).setFiles([{ name: `camera-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }]);
    await page.locator('fieldset[id="documents.photo"] .thumbs li').nth(i).waitFor();
    const uiMs = Date.now() - started;
    await page.waitForTimeout(600); // the draft is written to IndexedDB 250 ms after a change
    const ms = await page.evaluate((n) => performance.getEntriesByName('compress-image')[n]!.duration, i);
    const { kb, longEdge } = await page.evaluate(async (n) => {
      const db = await new Promise<IDBDatabase>((res) => (indexedDB.open('orc-device').onsuccess = (e) => res((e.target as IDBOpenDBRequest).result)));
      const drafts = await new Promise<{ files: { blob: Blob }[] }[]>((res) => (db.transaction('drafts').objectStore('drafts').getAll().onsuccess = (e) => res((e.target as IDBRequest).result)));
      const blob = drafts[0]!.files[n]!.blob;
      const bitmap = await createImageBitmap(blob);
      return { kb: Math.round(blob.size / 1024), longEdge: Math.max(bitmap.width, bitmap.height) };
    }, i);
    runs.push({ ms: Math.round(ms), uiMs, kb, longEdge });
  }
  await browser.close();

  const chrome = await chromeLauncher.launch({ chromePath: executablePath, chromeFlags: ['--headless=new', ...args] });
  const scores: Record<string, { performance: number; accessibility: number }> = {};
  // The smoke run proves Lighthouse still runs against the app; one page is enough for that.
  const audited = smoke ? ([['landing', '/', {}]] as const) : ([['landing', '/', {}], ['apply', '/apply', { Cookie: cookie }]] as const);
  for (const [label, path, headers] of audited) {
    const result = await lighthouse(server.url + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'], extraHeaders: headers });
    const categories = result!.lhr.categories;
    scores[label] = { performance: Math.round((categories.performance?.score ?? 0) * 100), accessibility: Math.round((categories.accessibility?.score ?? 0) * 100) };
  }
  chrome.kill();

  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    name: 'PWA in headless Chromium (phone profile)',
    compressionMedianMs: sorted[Math.floor(sorted.length / 2)],
    chooserToThumbnailMs: runs.map((r) => r.uiMs).join(' / '),
    compressedKb: runs.map((r) => r.kb).join(' / '),
    longEdgePx: runs[0]!.longEdge,
    landingFirstLoadJsKbGzip: +(landingJs / 1024).toFixed(1),
    applyFirstLoadJsKbGzip: +(applyJs / 1024).toFixed(1),
    lighthouseLanding: `performance ${scores.landing!.performance}, accessibility ${scores.landing!.accessibility}`,
    lighthouseApply: scores.apply ? `performance ${scores.apply.performance}, accessibility ${scores.apply.accessibility}` : 'not run (smoke)',
    bars: 'photo ≤ 1.5 s, ≤ 400 KB, ≥ 1600 px; landing JS ≤ 100 KB gz; Lighthouse perf ≥ 90, a11y ≥ 95'
  };
}
