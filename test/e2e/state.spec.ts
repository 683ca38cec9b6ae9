// The state officer (issue 15 item 1) on a phone: the dashboard lists the districts; the MIS report starts with a
// row per district, opens a district to its blocks and a block to itself, and the breadcrumbs lead back up. The
// development server has one district (North 24 Parganas); the integration tests hold two.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileApplication } from './api.ts';
import { logIn } from './login.ts';

// STATE_SHOTS_DIR=… keeps a screenshot of the state report in each language, to look at.
const shots = process.env.STATE_SHOTS_DIR;

test('the state officer reads the districts, drills down to a district and a block, and comes back up', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  await fileApplication(baseURL!);
  await logIn(page, 'demo-state');
  await expect(page.getByText('Your role: State Officer')).toBeVisible();

  // The dashboard's districts, each a way into its report.
  const districts = page.getByRole('region', { name: 'By district' });
  await expect(districts.getByRole('link', { name: 'North 24 Parganas' })).toBeVisible();

  await page.getByRole('link', { name: 'MIS reports' }).click();
  await expect(page.getByRole('heading', { name: 'MIS report' })).toBeVisible();
  await expect(page.getByText(/^West Bengal, /)).toBeVisible();
  // The state is the top: no breadcrumbs above it.
  await expect(page.getByRole('navigation', { name: 'Report for' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'By district' })).toBeVisible();
  // A state officer has no office select: the levels are the table's links.
  await expect(page.getByLabel('Offices')).toHaveCount(0);
  if (shots) {
    mkdirSync(shots, { recursive: true });
    for (const [lang, button] of [['en', 'English'], ['bn', 'বাংলা'], ['hi', 'हिन्दी']] as const) {
      await page.getByRole('button', { name: button, exact: true }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await page.screenshot({ path: join(shots, `state-reports-${lang}-${info.project.name}.png`), fullPage: true });
    }
    await page.getByRole('button', { name: 'English', exact: true }).click();
  }

  const table = page.getByRole('region', { name: 'By district' });
  await table.getByRole('link', { name: 'North 24 Parganas' }).click();
  await expect(page).toHaveURL(/[?&]district=n24pgs/);
  const trail = page.getByRole('navigation', { name: 'Report for' });
  await expect(trail.getByRole('link', { name: 'West Bengal' })).toBeVisible();
  await expect(trail.getByText('North 24 Parganas')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'By block' })).toBeVisible();
  const blocks = page.getByRole('region', { name: 'By block' });
  await expect(blocks.getByRole('row')).toHaveCount(1 + 22 + 26); // the header, 22 blocks, 26 municipal areas
  // The downloads follow the level on the screen.
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /district=n24pgs/);

  await blocks.getByRole('link', { name: 'Barasat I', exact: true }).click();
  await expect(page).toHaveURL(/[?&]office=n24pgs%2Fbarasat-sadar%2Fbarasat-i/);
  await expect(trail.getByRole('link', { name: 'Barasat Sadar' })).toBeVisible();
  await expect(trail.getByText('Barasat I', { exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('mis-received')).not.toHaveText('0');
  if (shots) await page.screenshot({ path: join(shots, `state-block-en-${info.project.name}.png`), fullPage: false });
  // Each crumb is a thumb's size.
  expect((await trail.getByRole('link', { name: 'Barasat Sadar' }).boundingBox())!.height).toBeGreaterThanOrEqual(44);

  // Up to the subdivision, then to the state.
  await trail.getByRole('link', { name: 'Barasat Sadar' }).click();
  await expect(page).toHaveURL(/[?&]subdivision=n24pgs%2Fbarasat-sadar/);
  await expect(page.getByRole('region', { name: 'By block' }).getByRole('row')).toHaveCount(1 + 7 + 5);
  await trail.getByRole('link', { name: 'West Bengal' }).click();
  await expect(page.getByRole('heading', { name: 'By district' })).toBeVisible();

  // Escalations name the district, and the page narrows to one.
  await page.goto('/monitoring');
  await expect(page.getByRole('heading', { name: 'Escalations and time limits' })).toBeVisible();
  await page.getByLabel('District').selectOption('n24pgs');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page).toHaveURL(/[?&]district=n24pgs/);
  // Narrowed to one district, the choice still offers the others, so the officer moves on without going back to all.
  await expect(page.getByLabel('District')).toHaveValue('n24pgs');
  await page.getByLabel('District').selectOption({ label: 'Bankura' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page).toHaveURL(/[?&]district=bankura/);
  await expect(page.getByLabel('District')).toHaveValue('bankura');
  if (shots) await page.screenshot({ path: join(shots, `state-monitoring-en-${info.project.name}.png`), fullPage: true });
});

test('the administrator creates a State Officer, who is posted to no office', async ({ page }, info) => {
  // A Kolkata mobile range, distinct per project and from accounts.spec.ts's numbers.
  const mobile = (info.project.name === 'postgres' ? '98313' : '98312') + (Date.now() % 100_000).toString().padStart(5, '0');
  await logIn(page, 'demo-admin');
  await page.getByLabel('Full name').fill('Anita Sen');
  await page.getByLabel('Mobile number').fill(mobile);
  await page.getByLabel('Role').selectOption('state');
  // No office to choose: the form says why.
  await expect(page.getByLabel('Office', { exact: true })).toHaveCount(0);
  await expect(page.getByText('A State Officer is posted to no office: they see every district.')).toBeVisible();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status')).toContainText(/Account WB\d{8} created/);
  await expect(page.getByRole('row').filter({ hasText: 'Anita Sen' })).toContainText('State Officer');
});
