import { expect, test, type Page } from '@playwright/test';
import { logIn } from './login.ts';

/** Reads the one-time password from the dev inbox page, as a developer would. */
async function oneTimePasswordFromInbox(page: Page, mobileE164: string): Promise<string> {
  await page.goto('/dev/inbox');
  const sms = page.locator('li[data-channel="sms"]', { hasText: mobileE164 }).first();
  await expect(sms).toBeVisible();
  const text = (await sms.locator('pre').textContent()) ?? '';
  const match = /one-time password ([a-z0-9]{10})/.exec(text);
  expect(match, text).not.toBeNull();
  return match![1]!;
}

function uniqueMobile(project: string) {
  const n = (Date.now() % 100_000_000).toString().padStart(8, '0');
  return (project === 'postgres' ? '97' : '96') + n;
}

test('a citizen registers, logs in with the one-time password, must change it, logs out and logs in again', async ({ page }, info) => {
  const mobile = uniqueMobile(info.project.name);
  await page.goto('/');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('link', { name: 'Register to apply' }).click();

  // The server's translated field errors appear in a summary and beside the field.
  await page.getByLabel('Full name').fill('Rina Das');
  await page.getByLabel('Mobile number').fill('12345');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter a 10-digit Indian mobile number.');

  await page.getByLabel('Mobile number').fill(`${mobile.slice(0, 5)} ${mobile.slice(5)}`);
  await page.getByLabel('Email').fill('rina.e2e@example.com');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'You are registered' })).toBeVisible();
  const userId = (await page.getByTestId('user-id').textContent())!.trim();
  expect(userId).toMatch(/^WB\d{8}$/);

  const otp = await oneTimePasswordFromInbox(page, '+91' + mobile);

  await page.goto('/login');
  await page.getByLabel('User ID, mobile number or email').fill(userId);
  await page.getByLabel('Password').fill(otp);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.getByText('You logged in with a one-time password')).toBeVisible();

  // Trying to skip the change leads back to it.
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/password$/);

  await page.getByLabel('Current password').fill(otp);
  await page.getByLabel('New password').fill('green paddy fields');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByText('Your password has been changed')).toBeVisible();
  await page.getByRole('link', { name: 'My page' }).first().click();
  await expect(page.getByRole('heading', { name: 'Welcome, Rina Das' })).toBeVisible();
  await expect(page.getByText('Apply for the certificate above')).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel('User ID, mobile number or email').fill(mobile);
  await page.getByLabel('Password').fill('green paddy fields');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Rina Das' })).toBeVisible();
});

test('a wrong password is reported without saying whether the account exists', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('User ID, mobile number or email').fill('WB00000000');
  await page.getByLabel('Password').fill('whatever-it-is');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('The user ID, mobile number, email or password is not right.');
});

test('the admin creates a BDO from the dashboard', async ({ page }, info) => {
  // A Kolkata mobile range, so the number is valid whatever the clock says (an "86…" number made from the time was
  // sometimes unallocated, and refused); distinct per project and from the citizens' numbers above.
  const mobile = (info.project.name === 'postgres' ? '98311' : '98310') + (Date.now() % 100_000).toString().padStart(5, '0');
  await logIn(page, 'demo-admin');
  await expect(page.getByRole('heading', { name: 'Create an officer or operator account' })).toBeVisible();
  await page.getByLabel('Full name').fill('Amit Ghosh');
  await page.getByLabel('Mobile number').fill(mobile);
  await page.getByLabel('Role').selectOption('bdo');
  await page.getByLabel('Office', { exact: true }).selectOption({ label: 'Deganga' });
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status')).toContainText(/Account WB\d{8} created/);
  await expect(page.getByRole('cell', { name: 'Amit Ghosh' })).toBeVisible();
});
