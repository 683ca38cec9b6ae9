// The counter network on a phone (issue 13 items 4 and 7): the DM adds a CSC, attaches the demo operator and changes
// its hours; a visitor, not logged in, finds it by PIN; the DM closes it and it is found no more; the DM's MIS report
// shows the officers, the appeals and the counters. The demo operator is posted back to their own CSC before the
// close (and after the test, whatever happened), since later specs print at that CSC.
import { expect, request, test, type Page } from '@playwright/test';
import { logIn } from './login.ts';

const home = 'n24pgs/barasat-sadar/barasat-i/csc-1';
const ours = { name: 'Tathya Mitra Kendra, Deganga Station Road', pin: '743299' };

test.afterAll(async ({ baseURL }) => {
  const dm = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  expect((await dm.post('/api/auth/login', { data: { login: 'demo-dm', password: 'demo-password' } })).ok()).toBe(true);
  // 200 when the test left the operator elsewhere; 409 (no change) when it posted them back itself.
  expect([200, 409]).toContain((await dm.post(`/api/counters/${encodeURIComponent(home)}/operators`, { data: { userId: 'demo-operator' } })).status());
  await dm.dispose();
});

async function findByPin(page: Page, pin: string) {
  await page.goto('/counters');
  await page.getByRole('radio', { name: 'PIN code' }).check();
  await page.getByRole('textbox', { name: 'PIN code' }).fill(pin);
  await page.getByRole('button', { name: 'Find counters' }).click();
}

test('the DM adds a CSC and attaches an operator; a visitor finds it by PIN until the DM closes it; the DM reads the operations MIS', async ({ page, browser, baseURL }) => {
  test.setTimeout(150_000);
  await logIn(page, 'demo-dm');
  await page.getByRole('link', { name: 'Kiosks and CSCs' }).click();
  await expect(page.getByRole('heading', { name: 'Kiosks and CSCs', level: 1 })).toBeVisible();

  // Add.
  const add = page.locator('section', { has: page.getByRole('heading', { name: 'Add a counter' }) });
  await add.getByRole('radio', { name: 'CSC' }).check();
  await add.getByLabel('Serves').selectOption({ label: 'Deganga' });
  await add.getByLabel('Code', { exact: true }).fill('E2E');
  await add.getByLabel('Name in English').fill(ours.name);
  await add.getByLabel('Address').fill('Station Road, Deganga');
  await add.getByLabel('PIN code').fill(ours.pin);
  await add.getByLabel('Opening hours').fill('Mon–Sat 10:00–17:00');
  await add.getByRole('button', { name: 'Add counter' }).click();
  await expect(page.getByTestId('done')).toHaveText(`Added: ${ours.name}.`);
  const row = page.getByRole('row', { name: new RegExp(ours.name) });
  await expect(row).toContainText('Deganga');
  await expect(row).toContainText('Open');

  // Attach the operator, then change the hours.
  await page.getByRole('button', { name: ours.name }).click();
  const panel = page.getByTestId('selected');
  await expect(panel.getByRole('heading', { name: ours.name })).toBeFocused();
  await panel.getByLabel('Operator').selectOption('demo-operator');
  await panel.getByRole('button', { name: 'Attach' }).click();
  await expect(page.getByTestId('done')).toHaveText(`Demo CSC Operator now works at ${ours.name}.`);
  await expect(row).toContainText('Demo CSC Operator');
  await panel.getByLabel('Opening hours').fill('Mon–Sun 09:00–19:00');
  await panel.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('done')).toHaveText(`Saved: ${ours.name}.`);
  await expect(row).toContainText('Mon–Sun 09:00–19:00');
  await page.screenshot({ path: 'test-results/counters-admin-en.png', fullPage: true });

  // A visitor on another phone, not logged in, finds it from the home page.
  const visitor = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'en-IN' });
  const guest = await visitor.newPage();
  await guest.goto('/');
  await guest.getByRole('button', { name: 'English' }).click();
  await guest.getByRole('link', { name: 'Find a kiosk or CSC near you' }).click();
  await expect(guest.getByRole('heading', { name: 'Find a kiosk or CSC' })).toBeVisible();
  await findByPin(guest, ours.pin);
  await expect(guest.getByRole('heading', { name: 'Open counters: 1' })).toBeVisible();
  const found = guest.getByTestId('counter');
  await expect(found.getByRole('heading')).toHaveText(ours.name);
  await expect(found).toContainText('Station Road, Deganga, PIN code 743299');
  await expect(found).toContainText('Mon–Sun 09:00–19:00');
  await guest.screenshot({ path: 'test-results/counters-find-en.png', fullPage: true });

  // By block too: Deganga's counters include it, with the subdivision's and the district's kiosks.
  await guest.getByRole('radio', { name: 'Block or municipal area' }).check();
  await guest.getByRole('combobox', { name: 'Block or municipal area' }).selectOption({ label: 'Deganga' });
  await guest.getByRole('button', { name: 'Find counters' }).click();
  await expect(guest.getByTestId('counter').getByRole('heading', { name: ours.name })).toBeVisible();
  await expect(guest.getByTestId('counter').getByRole('heading', { name: 'Citizen Kiosk, DM Office, Barasat' })).toBeVisible();

  // The operator goes back to their own CSC; then the DM closes the new one, after confirming.
  await page.getByRole('button', { name: 'Tathya Mitra Kendra (CSC), Barasat I', exact: true }).click();
  await panel.getByLabel('Operator').selectOption('demo-operator');
  await panel.getByRole('button', { name: 'Attach' }).click();
  await expect(page.getByTestId('done')).toHaveText('Demo CSC Operator now works at Tathya Mitra Kendra (CSC), Barasat I.');
  await page.getByRole('button', { name: ours.name }).click();
  await panel.getByRole('button', { name: 'Close this counter' }).click();
  await expect(panel.getByRole('alertdialog')).toContainText(`Close ${ours.name}?`);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toContainText('Open');
  await panel.getByRole('button', { name: 'Close this counter' }).click();
  await panel.getByRole('button', { name: 'Yes, close it' }).click();
  await expect(page.getByTestId('done')).toHaveText(`${ours.name} is closed.`);
  await expect(row).toContainText('Closed');
  await expect(panel).toContainText('This counter is closed.');

  await visitor.close();

  // The list of counters is public and may be kept by a browser or proxy for a minute (Cache-Control: max-age=60),
  // so the look after the close is from another phone.
  const later = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'en-IN' });
  const another = await later.newPage();
  await findByPin(another, ours.pin);
  await expect(another.getByRole('heading', { name: 'Open counters: 0' })).toBeVisible();
  await expect(another.getByText('No open counter found here. Try your block instead.')).toBeVisible();
  await expect(another.getByTestId('counter')).toHaveCount(0);
  await later.close();

  // The DM's MIS: per officer, appeals, and every counter of the district with what it filed and printed.
  await page.goto('/reports');
  const ops = page.getByTestId('operations');
  await expect(ops.getByRole('heading', { name: 'Officers, appeals and counters' })).toBeVisible();
  await expect(ops.getByRole('heading', { name: 'Decisions by officer' })).toBeVisible();
  await expect(ops.getByTestId('ops-appeals')).toContainText('Filed');
  const counters = ops.getByRole('region', { name: 'Counter activity' });
  await expect(counters.getByRole('row', { name: new RegExp(ours.name) })).toBeVisible();
  await page.screenshot({ path: 'test-results/counters-mis-en.png', fullPage: true });
});
