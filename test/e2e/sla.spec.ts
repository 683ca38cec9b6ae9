// The SLA on the development server (issue 6): the administrator's holidays; then move the server's clock past the time limits, let the sweeper run,
// and the DM finds the escalation on the dashboard, acknowledges it, and its SMS is in the dev inbox; the MIS page
// shows the figures. Runs last in its project: the clock it moves stays moved.
import { expect, request, test } from '@playwright/test';
import { fileApplication } from './api.ts';
import { logIn } from './login.ts';

test("the administrator adds the state's notified holiday and removes it again", async ({ page }) => {
  await logIn(page, 'demo-admin');
  await page.getByRole('link', { name: 'Holidays' }).click();
  await expect(page.getByRole('heading', { name: 'Holidays' })).toBeVisible();
  // The fixed-date public holidays came from date-holidays.
  await expect(page.getByRole('cell', { name: 'Republic Day' })).toBeVisible();
  const year = new Date().getFullYear();
  await page.getByLabel('Date').fill(`${year}-10-20`);
  await page.getByLabel('Name').fill('Durga Puja (Dashami)');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Durga Puja (Dashami)' });
  await expect(row).toContainText('administrator');
  // The same day again is refused, with the field named.
  await page.getByLabel('Date').fill(`${year}-10-20`);
  await page.getByLabel('Name').fill('Again');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  await expect(page.getByText('That day is already in the list.')).toBeVisible();
  // The day reads as a date in the reader's language, not as ISO (issue 12).
  await expect(row).toContainText(`20 October ${year}`);
  await row.getByRole('button', { name: `Remove 20 October ${year}` }).click();
  await expect(row).toHaveCount(0);
});

test('the clock passes the time limit: the DM sees the escalation, acknowledges it, and its SMS is in the dev inbox', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const ain = await fileApplication(baseURL!);

  const dev = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  expect((await dev.post('/api/dev/clock', { data: { advanceHours: 4 * 24 } })).ok()).toBe(true);
  const swept = await (await dev.post('/api/dev/sweep', { data: {} })).json();
  expect(swept.breaches).toBeGreaterThanOrEqual(1);
  await dev.dispose();

  await logIn(page, 'demo-dm');
  await page.getByRole('link', { name: 'Escalations' }).click();
  await expect(page.getByRole('heading', { name: 'Escalations and time limits' })).toBeVisible();
  await page.getByRole('button', { name: /Barasat I\b/ }).click();
  await expect(page.getByRole('heading', { name: 'Past time in Barasat I' })).toBeVisible();
  const breach = page.getByTestId('breach').filter({ hasText: ain.replace(/^(\d\d)(\d\d)(\d{3})(\d{6})(\d)$/, '$1 $2 $3 $4 $5') }).filter({ hasText: 'escalated to the District Magistrate' });
  await expect(breach).toContainText('Scrutiny by the BDO');
  // A due time is a day (the end of it), not "11:59:59 pm"; the row's link is a thumb's size (issue 12).
  await expect(breach).not.toContainText(/\d:\d\d:\d\d/);
  expect((await breach.getByRole('link').first().boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await breach.getByLabel('What is being done (for the record)').fill('Asked the BDO to clear it today.');
  await breach.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(breach).toContainText('Acknowledged by Demo DM North 24 Parganas');

  // The DM's SMS (in Bengali, the DM's language), as the console provider recorded it.
  await page.goto('/dev/inbox');
  await expect(page.getByText(new RegExp(`এসক্যালেশন: ${ain}`)).first()).toBeVisible({ timeout: 20_000 });

  // The MIS page counts the application and offers the record.
  await page.goto('/reports');
  await expect(page.getByTestId('mis-received')).not.toHaveText('0');
  await expect(page.getByRole('link', { name: 'Download PDF (official record)' })).toHaveAttribute('href', /\/api\/mis\/summary\.pdf\?from=\d{4}-\d\d-\d\d&to=/);
  // The period is in the address: a link or the back button gives the same report.
  const to = await page.getByLabel('To', { exact: true }).inputValue();
  await page.getByLabel('From', { exact: true }).fill(to);
  await page.getByRole('button', { name: 'Show the report' }).click();
  await expect(page).toHaveURL(new RegExp(`/reports\\?from=${to}&to=${to}`));
  await expect(page.getByRole('link', { name: 'Download PDF (official record)' })).toHaveAttribute('href', `/api/mis/summary.pdf?from=${to}&to=${to}`);
  await page.goBack();
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.getByLabel('From', { exact: true })).not.toHaveValue(to);
});
