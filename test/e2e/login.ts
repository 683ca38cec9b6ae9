// Logging in through the login page, as a person does; the specs that are not about logging in start here.
import { expect, type Page } from '@playwright/test';

/** Logs in as one of the seeded demo accounts, in English, and waits for the dashboard. */
export async function logIn(page: Page, userId: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('User ID, mobile number or email').fill(userId);
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}
