// Running a district's staff on a phone (issue 13 items 1 and 2): the DM deactivates an officer and sees the work
// to hand on and the change on the officer's page, then reactivates; the SDO names an acting BDO for today, who then
// sees the block's queue, and ends the charge. demo-eo is put back as it was, for the specs that follow.
import { expect, request, test, type Page } from '@playwright/test';
import { fileApplication } from './api.ts';
import { logIn } from './login.ts';

async function forwardToEo(baseURL: string, ain: string) {
  const bdo = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  expect((await bdo.post('/api/auth/login', { data: { login: 'demo-bdo', password: 'demo-password' } })).ok()).toBe(true);
  expect((await bdo.post(`/api/applications/${ain}/actions`, { data: { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' } })).status()).toBe(200);
  await bdo.dispose();
}

/** The page fits the phone's width: nothing scrolls sideways but the tables' own boxes. */
async function fitsThePhone(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
}

test('the DM deactivates an Enquiry Officer, sees the enquiry to hand on and the change, and reactivates', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const ain = await fileApplication(baseURL!);
  await forwardToEo(baseURL!, ain);

  await logIn(page, 'demo-dm');
  await page.getByRole('link', { name: 'demo-eo' }).click();
  await expect(page.getByRole('heading', { name: 'Demo Enquiry Officer' })).toBeVisible();
  await expect(page.getByTestId('account-status')).toHaveText('Active');
  await fitsThePhone(page);

  await page.getByLabel('Reason').fill('On long leave without notice');
  await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Deactivate Demo Enquiry Officer?');
  await page.getByRole('button', { name: 'Yes, deactivate' }).click();
  await expect(page.getByTestId('done')).toContainText('Account deactivated');
  await expect(page.getByTestId('account-status')).toContainText('Deactivated on');
  // The open work: the enquiry the EO held, linked to the application.
  await expect(page.getByTestId('open-work').locator(`a[href="/applications/${ain}"]`)).toBeVisible();
  await expect(page.getByTestId('open-work')).toContainText('Field enquiry assigned');
  await expect(page.getByTestId('changes').locator('tbody tr').first()).toContainText('Deactivated');
  await expect(page.getByTestId('changes').locator('tbody tr').first()).toContainText('On long leave without notice');
  await expect(page.getByTestId('changes').locator('tbody tr').first()).toContainText('Demo DM North 24 Parganas');
  await fitsThePhone(page);
  await page.screenshot({ path: '/tmp/p13a-staff-deactivated-en.png', fullPage: true });

  // Logged out at once: the EO's login is refused while deactivated.
  const eo = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  expect((await eo.post('/api/auth/login', { data: { login: 'demo-eo', password: 'demo-password' } })).status()).toBe(401);

  await page.getByLabel('Reason').fill('Back on duty from today');
  await page.getByRole('button', { name: 'Reactivate' }).click();
  await expect(page.getByTestId('done')).toContainText('Account reactivated');
  await expect(page.getByTestId('account-status')).toHaveText('Active');
  await expect(page.getByTestId('changes').locator('tbody tr').first()).toContainText('Reactivated');
  expect((await eo.post('/api/auth/login', { data: { login: 'demo-eo', password: 'demo-password' } })).ok()).toBe(true);
  await eo.dispose();
  await logOut(page);

  // Only those the API allows: the BDO is told so.
  await logIn(page, 'demo-bdo');
  await page.goto('/staff/demo-eo');
  await expect(page.getByRole('alert')).toContainText('You do not have permission');
});

test('the SDO names an acting BDO for today, who then sees the block\'s queue, and ends the charge', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const ain = await fileApplication(baseURL!);

  await logIn(page, 'demo-sdo');
  await page.getByRole('link', { name: 'Acting charges' }).click();
  await expect(page.getByRole('heading', { name: 'Acting charges', level: 1 })).toBeVisible();
  await page.getByLabel('Post').selectOption('bdo');
  await page.getByLabel('Office', { exact: true }).selectOption({ label: 'Barasat I' });
  await page.getByLabel('Acting officer').selectOption('demo-eo');
  await page.getByLabel('Reason').fill('BDO Barasat I on earned leave');
  await page.getByRole('button', { name: 'Assign charge' }).click();
  await expect(page.getByTestId('done')).toContainText('Charge given to Demo Enquiry Officer');
  await expect(page.getByTestId('charges')).toContainText('Demo Enquiry Officer');
  await expect(page.getByTestId('charges')).toContainText('Current');
  await fitsThePhone(page);
  await page.screenshot({ path: '/tmp/p13a-acting-en.png', fullPage: true });
  await logOut(page);

  // The acting officer sees the block's queue, the new application in it.
  await logIn(page, 'demo-eo');
  await page.goto('/applications');
  await expect(page.locator(`a[href="/applications/${ain}"]`)).toBeVisible();
  await logOut(page);

  await logIn(page, 'demo-sdo');
  await page.goto('/acting');
  await page.getByRole('button', { name: "End Demo Enquiry Officer's charge now" }).click();
  await expect(page.getByTestId('done')).toHaveText('Charge ended.');
  await expect(page.getByText('No acting charges.')).toBeVisible();
  await logOut(page);

  // The charge is over: the application is the BDO's again, not the EO's to read.
  const eo = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  expect((await eo.post('/api/auth/login', { data: { login: 'demo-eo', password: 'demo-password' } })).ok()).toBe(true);
  expect((await eo.get(`/api/applications/${ain}`)).status()).toBe(403);
  await eo.dispose();
});
