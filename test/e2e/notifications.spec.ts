// Notifications in the PWA (issue 5): after a submission the citizen turns on notifications on the phone, the
// language they use becomes the language of their messages, the next status change is pushed, and the
// administrator sees a push that could not be delivered and sends it again.
//
// Headless Chromium has no push service to subscribe with, so PushManager.subscribe is replaced by one that
// returns a subscription with real P-256 keys pointing at an address that never resolves (.invalid): the app's
// code path runs for real, and the server's push then fails and waits for a retry, as with a push service outage.
import { expect, request, test } from '@playwright/test';
import { fakeSubscription } from '../support/push.ts';
import { fileApplication } from './api.ts';
import { logIn } from './login.ts';

test('a citizen turns on notifications after submitting; the next change is pushed in their language; the admin resends a failed push', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const ain = await fileApplication(baseURL!);
  const subscription = fakeSubscription(`https://push.invalid/e2e/${Date.now()}`);

  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'en-IN', baseURL });
  await context.grantPermissions(['notifications']);
  await context.addInitScript((s) => {
    let subscribed = false;
    const fake = { endpoint: s.endpoint, toJSON: () => s, unsubscribe: async () => ((subscribed = false), true) };
    PushManager.prototype.subscribe = async () => ((subscribed = true), fake as unknown as PushSubscription);
    PushManager.prototype.getSubscription = async () => (subscribed ? (fake as unknown as PushSubscription) : null);
  }, subscription);
  const page = await context.newPage();
  await logIn(page, 'demo-citizen');
  // Choosing English while logged in makes it the language of this citizen's SMS, email and push. logIn leaves the
  // page in English and the account in Bengali, so the citizen goes through Bengali to choose English again.
  // A slow network holds each choice for a moment, so English is chosen while বাংলা is still on its way: the last
  // choice must win (the switch dropped it once, and the account stayed in Bengali).
  await page.route('**/api/auth/me/language', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  await page.getByRole('button', { name: 'বাংলা' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'bn');
  await page.getByRole('button', { name: 'English' }).click();
  await expect.poll(async () => (await (await page.request.get('/api/auth/me')).json()).user.lang).toBe('en');
  await page.unroute('**/api/auth/me/language');

  await page.goto(`/applications/${ain}?new=1`);
  await expect(page.getByTestId('ain')).toBeVisible();
  await page.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(page.getByTestId('push-state')).toHaveText('Notifications are on for this phone.');

  // The BDO sends it for field enquiry; the citizen's phone is pushed the news in English.
  const bdo = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  expect((await bdo.post('/api/auth/login', { data: { login: 'demo-bdo', password: 'demo-password' } })).ok()).toBe(true);
  expect((await bdo.post(`/api/applications/${ain}/actions`, { data: { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' } })).status()).toBe(200);
  await bdo.dispose();
  const outbox = async () => (await (await page.request.get('/api/dev/outbox')).json()).messages as { channel: string; recipient: string; body: string }[];
  await expect
    .poll(async () => (await outbox()).find((m) => m.channel === 'push' && m.body.includes(ain))?.body, { timeout: 20_000 })
    .toBe(`Application ${ain} has been sent for field enquiry. An Enquiry Officer may visit your address.`);
  expect((await outbox()).find((m) => m.channel === 'sms' && m.body.includes(ain) && m.body.includes('field enquiry'))).toBeTruthy();

  // What the service worker does with a push (static/push-sw.js): DevTools delivers one as a push service would.
  const cdp = await context.newCDPSession(page);
  // The registration whose worker is activated: a push delivered to one still installing is dropped.
  let registrationId: string | null = null;
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.status === 'activated' && v.scriptURL.startsWith(`${baseURL}/sw.js`)) registrationId = v.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const payload = { title: 'Field enquiry', body: `Application ${ain} has been sent for field enquiry.`, url: `${baseURL}/track/${ain}`, tag: `application-${ain}` };
  const shown = () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));
  // Delivered again until shown: the same tag replaces the notification, so there is never more than one.
  await expect
    .poll(
      async () => {
        if (registrationId) await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL!, registrationId, data: JSON.stringify(payload) });
        return shown();
      },
      { timeout: 30_000, intervals: [500, 1000, 2000] }
    )
    .toEqual([{ title: payload.title, body: payload.body, tag: payload.tag }]);

  // The push service could not be reached: the administrator finds the message and sends it again.
  const admin = await browser.newContext({ baseURL });
  const adminPage = await admin.newPage();
  await logIn(adminPage, 'demo-admin');
  const failedPush = async () => ((await (await adminPage.request.get('/api/admin/messages')).json()).messages as { channel: string; ain: string | null }[]).some((m) => m.channel === 'push' && m.ain === ain);
  await expect.poll(failedPush, { timeout: 20_000 }).toBe(true);
  await adminPage.getByRole('link', { name: 'Failed messages' }).click();
  await expect(adminPage.getByRole('heading', { name: 'Messages that failed' })).toBeVisible();
  const row = adminPage.getByRole('row').filter({ hasText: ain }).filter({ hasText: 'PUSH' }).first();
  await expect(row).toContainText('push.invalid');
  await row.getByRole('button', { name: 'Send again' }).click();
  await expect(row).toContainText('Queued to be sent again.');
  await admin.close();
  await context.close();
});
