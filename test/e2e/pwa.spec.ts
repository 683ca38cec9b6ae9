import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { smallFields } from './fields.ts';
import { logIn } from './login.ts';

test('the manifest is installable: names in Bengali and English, 192/512 and maskable icons, theme colours', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifestUrl = new URL(href!, page.url()).toString();
  const res = await request.get(manifestUrl);
  expect(res.ok()).toBe(true);
  const manifest = await res.json();
  expect(manifest.name).toMatch(/[\u0980-\u09FF]/);
  expect(manifest.name).toMatch(/e-District/);
  expect(manifest).toMatchObject({ start_url: '/', scope: '/', display: 'standalone', theme_color: '#0b5d3b', background_color: '#ffffff' });
  const icons = manifest.icons as { src: string; sizes: string; purpose: string; type: string }[];
  expect(icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  for (const icon of icons) {
    const img = await request.get(new URL(icon.src, manifestUrl).toString());
    expect(img.headers()['content-type']).toBe('image/png');
    // A PNG's width and height sit at bytes 16–23 of its header.
    const png = await img.body();
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(`${w}x${h}`).toBe(icon.sizes);
  }
});

test('the service worker takes control, and the shell reloads with no network, saying it is offline', async ({ page, context }) => {
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await page.getByRole('button', { name: 'English' }).click();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Get your Ordinary Residential Certificate' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('You are offline');
  // Other pages of the shell were precached too, not only the one visited.
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await context.setOffline(false);
});

test('the language switch changes every text and is remembered', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'বাংলা' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('আপনার সাধারণ বাসিন্দা শংসাপত্র নিন');
  await expect(page.locator('html')).toHaveAttribute('lang', 'bn');
  await page.getByRole('button', { name: 'हिन्दी' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('अपना सामान्य निवासी प्रमाणपत्र पाएँ');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('अपना सामान्य निवासी प्रमाणपत्र पाएँ');
  await expect(page.locator('html')).toHaveAttribute('lang', 'hi');
  await page.getByRole('button', { name: 'English' }).click();
});

const publicPages = ['/', '/register', '/login', '/track', '/counters', '/dev/inbox'];

// One test per language and per role: axe takes a few seconds a page on a 2-core machine, so one test for the
// whole sweep ran past any sensible time limit, and a failure named nothing narrower than "somewhere".
const fitsAndIsAccessible = async (page: Page, label: string) => {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  expect(await smallFields(page), `${label}: fields smaller than a thumb`).toEqual([]);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${label}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
};

for (const lang of ['English', 'বাংলা', 'हिन्दी']) {
  test(`every public page fits a 360 px phone and has no serious or critical accessibility problems, in ${lang}`, async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: lang }).click();
    for (const path of publicPages) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      await fitsAndIsAccessible(page, `${path} (${lang})`);
    }
  });
}

test('the registration form with errors fits a 360 px phone and is accessible', async ({ page }) => {
  // Error states too: the summary and the inline field errors.
  await page.goto('/register');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await fitsAndIsAccessible(page, '/register with errors');
});

const pagesOf: Record<string, string[]> = {
  citizen: ['/password', '/applications', '/apply?step=about', '/apply?step=address', '/apply?step=documents', '/apply?step=check'],
  operator: ['/applications', '/counter', '/counter/recover', '/apply?step=about'],
  eo: ['/applications'],
  bdo: ['/password', '/applications', '/monitoring', '/reports'],
  sdo: ['/acting', '/reports'],
  dm: ['/monitoring', '/reports', '/acting', '/staff/demo-bdo', '/admin/counters'],
  state: ['/monitoring', '/reports'],
  admin: ['/password', '/admin/messages', '/admin/holidays', '/acting', '/staff/demo-eo', '/admin/counters']
};
for (const [role, paths] of Object.entries(pagesOf)) {
  test(`every page of the ${role} fits a 360 px phone and has no serious or critical accessibility problems`, async ({ page }) => {
    await logIn(page, 'demo-' + role);
    await page.waitForLoadState('networkidle');
    await fitsAndIsAccessible(page, `/dashboard (${role})`);
    for (const path of paths) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      await fitsAndIsAccessible(page, `${path} (${role})`);
    }
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page.getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
  });
}
