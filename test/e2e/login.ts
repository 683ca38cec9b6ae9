// Logging in through the login page, as a person does; the specs that are not about logging in start here.
import { expect, type Page } from '@playwright/test';

/** Logs in as one of the seeded demo accounts, switches to English, and waits for the dashboard. */
export async function logIn(page: Page, userId: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('User ID, mobile number or email').fill(userId);
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // Logging in brings back the account's own language (the demo accounts speak Bengali); the specs read English.
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await keepBengaliAccount(page);
}

/**
 * Switching the page's language also sets the account's (its SMS and email follow it). The demo accounts keep
 * Bengali, which later specs expect of their messages, while the page goes on in English.
 */
export async function keepBengaliAccount(page: Page): Promise<void> {
  await page.request.put('/api/auth/me/language', { data: { lang: 'bn' } });
}
