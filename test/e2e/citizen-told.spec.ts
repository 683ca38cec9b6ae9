// What the citizen is told (issue 12): account recovery from a failed login and at the counter, reasons on the
// tracking page, the history in words, the BDO's recorded reason for approving without an enquiry, and the list
// of applications with no network. Each page is also photographed at 360 px in English, Bengali and Hindi
// (SCREENS_DIR, default test-results/screens), to be looked at.
import { expect, request, test, type Page } from '@playwright/test';
import { fileApplication } from './api.ts';
import { keepBengaliAccount, logIn } from './login.ts';

const languages = [
  ['en', 'English'],
  ['bn', 'বাংলা'],
  ['hi', 'हिन्दी']
] as const;

/** A screenshot of the page in each language, ending in English for the steps that follow. */
async function photograph(page: Page, name: string, project: string) {
  for (const [code, label] of languages) {
    await page.getByRole('button', { name: label, exact: true }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/${project}/${name}-${code}.png`, fullPage: true });
  }
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await keepBengaliAccount(page);
}

function uniqueMobile(project: string) {
  const n = ((Date.now() + Math.floor(Math.random() * 1000)) % 100_000_000).toString().padStart(8, '0');
  return (project === 'postgres' ? '95' : '94') + n;
}

async function register(baseURL: string, name: string, mobile: string) {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  expect((await api.post('/api/auth/register', { data: { name, mobile } })).status()).toBe(201);
  await api.dispose();
}

async function recoveryCode(page: Page, e164: string): Promise<string> {
  const inbox = await page.context().newPage();
  await inbox.goto('/dev/inbox');
  const sms = inbox.locator('li[data-channel="sms"]', { hasText: e164 }).filter({ hasText: /recovery code|পুনরুদ্ধার/ }).first();
  await expect(sms).toBeVisible();
  const code = /(\d{6})/.exec((await sms.locator('pre').textContent()) ?? '')![1]!;
  await inbox.close();
  return code;
}

/** An officer's step over the API, for specs about what the citizen then sees. */
async function asOfficer(baseURL: string, login: string, ain: string, body: Record<string, unknown>) {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  expect((await api.post('/api/auth/login', { data: { login, password: 'demo-password' } })).ok()).toBe(true);
  const res = await api.post(`/api/applications/${ain}/actions`, { data: body });
  expect(res.status(), await res.text()).toBe(200);
  await api.dispose();
}

test('a citizen who cannot log in recovers the account from the login error with a code by SMS', async ({ page, baseURL }, info) => {
  const mobile = uniqueMobile(info.project.name);
  await register(baseURL!, 'Mita Sen', mobile);
  await page.goto('/login');
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByLabel('User ID, mobile number or email').fill(mobile);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('is not right');
  await photograph(page, 'login-error', info.project.name);
  await page.getByRole('link', { name: 'Forgot your password?' }).first().click();

  await expect(page).toHaveURL(/\/recover\?login=/);
  await expect(page.getByLabel('Mobile number, user ID or email')).toHaveValue(mobile);
  await photograph(page, 'recover-start', info.project.name);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toContainText('a 6-digit code is on its way by SMS');
  await photograph(page, 'recover-code', info.project.name);

  await page.getByLabel('Code from the SMS').fill(await recoveryCode(page, '+91' + mobile));
  await page.getByLabel('New password').fill('paddy fields in rain');
  await page.getByRole('button', { name: 'Save password and log in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Mita Sen' })).toBeVisible();
});

test('registering with a mobile that has an account leads to recovery; a counter operator starts one for a citizen present', async ({ page, baseURL }, info) => {
  const mobile = uniqueMobile(info.project.name);
  await register(baseURL!, 'Abdul Karim', mobile);
  await page.goto('/register');
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByLabel('Full name').fill('Abdul Karim');
  await page.getByLabel('Mobile number').fill(mobile);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('alert')).toContainText('Forgot password');
  await photograph(page, 'register-known-mobile', info.project.name);
  await expect(page.getByRole('link', { name: 'Forgot your password?' })).toHaveAttribute('href', `/recover?login=${mobile}`);

  await logIn(page, 'demo-operator');
  await page.getByRole('link', { name: "Recover a citizen's account" }).click();
  await photograph(page, 'counter-recover', info.project.name);
  await page.getByLabel("Citizen's mobile number").fill(mobile);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toContainText("A code went to the citizen's phone");
  await photograph(page, 'counter-recover-sent', info.project.name);
  const code = await recoveryCode(page, '+91' + mobile);
  await page.getByRole('link', { name: 'Forgot your password' }).click();
  await page.getByLabel('Code from the SMS').fill(code);
  await page.getByLabel('New password').fill('chosen at the counter');
  await page.getByRole('button', { name: 'Save password and log in' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Abdul Karim' })).toBeVisible();
});

test('a rejection: the tracking page gives the reason in the reader\'s language and the remarks; the citizen\'s history is in words', async ({ page, baseURL }, info) => {
  const ain = await fileApplication(baseURL!);
  await asOfficer(baseURL!, 'demo-bdo', ain, { action: 'reject', version: 1, reason: 'not_resident', remarks: 'Neighbours say the family moved to Howrah in 2019.' });
  await page.goto(`/track/${ain}`);
  await page.getByRole('button', { name: 'বাংলা', exact: true }).click();
  await expect(page.getByTestId('reason')).toHaveText('ঠিকানায় বাসিন্দা হিসেবে পাওয়া যায়নি');
  await expect(page.getByTestId('remarks')).toHaveText('Neighbours say the family moved to Howrah in 2019.');
  await photograph(page, 'track-rejected', info.project.name);

  await logIn(page, 'demo-citizen');
  await page.goto(`/applications/${ain}`);
  await expect(page.locator('.timeline')).toContainText('Reason: Not found to be a resident at the address');
  await expect(page.locator('.timeline')).not.toContainText('not_resident');
  await photograph(page, 'citizen-history', info.project.name);
});

test('the BDO approving straight from "received" must give a reason, and the page asks for it', async ({ page, baseURL }, info) => {
  const ain = await fileApplication(baseURL!);
  await logIn(page, 'demo-bdo');
  await page.goto(`/applications/${ain}`);
  // The document viewer's Close is a real, thumb-sized button.
  await page.getByRole('button', { name: /^Open / }).first().click();
  const close = page.getByRole('button', { name: 'Close' });
  await expect(close).toBeVisible();
  expect((await close.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await expect(close).toHaveCSS('background-color', 'rgb(11, 93, 59)');
  await close.click();
  await page.getByRole('button', { name: 'Approve and sign' }).click();
  await expect(page.getByLabel('Reason for approving (kept on the record)')).toBeVisible();
  await photograph(page, 'approve-without-enquiry', info.project.name);
  await page.getByLabel('Reason for approving (kept on the record)').fill('Long-standing resident known to the office; documents conclusive.');
  await page.getByRole('button', { name: 'Confirm: Approve and sign' }).click();
  await expect(page.getByTestId('status')).toHaveText('Approved');
});

test('with no network, "My applications" shows the last synced list and when it was synced', async ({ page, context, baseURL }, info) => {
  const ains = [await fileApplication(baseURL!), await fileApplication(baseURL!)];
  await logIn(page, 'demo-citizen');
  await page.getByRole('link', { name: 'My applications' }).click();
  for (const ain of ains) await expect(page.locator(`a[href="/applications/${ain}"]`)).toBeVisible();
  await page.getByRole('link', { name: 'My page' }).first().click();

  await context.setOffline(true);
  await page.getByRole('link', { name: 'My applications' }).click();
  await expect(page.getByTestId('synced-at')).toContainText('You are offline. This is your list as of');
  for (const ain of ains) await expect(page.locator(`a[href="/applications/${ain}"]`)).toBeVisible();
  await expect(page.getByText('No applications yet')).toHaveCount(0);
  await photograph(page, 'offline-list', info.project.name);
  await context.setOffline(false);
});

test('what a new user stumbled on: the AIN on one line, Hindi place names, Bengali digits, the account\'s language at login with the switch at the top, MIS controls a thumb can hit', async ({ page, baseURL }, info) => {
  const ain = await fileApplication(baseURL!);
  await page.goto(`/track/${ain}`);
  for (const [code, label] of languages) {
    await page.getByRole('button', { name: label, exact: true }).click();
    // The AIN never breaks: the check digit is not left alone on a line at 360 px.
    const lines = await page.locator('.big-id').evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).fontSize));
    expect(lines, code).toBeLessThan(2);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, code).toBeLessThanOrEqual(360);
  }
  await page.getByRole('button', { name: 'हिन्दी', exact: true }).click();
  await expect(page.locator('.summary')).toContainText('बारासात 1');
  await page.getByRole('button', { name: 'বাংলা', exact: true }).click();
  await expect(page.getByTestId('expected')).not.toHaveText(/[0-9]/);
  await expect(page.getByTestId('expected')).toHaveText(/[০-৯]/);
  // The language switch is at the top of the page, not 1,400 px down.
  const top = (await page.getByRole('navigation', { name: 'ভাষা' }).boundingBox())!;
  expect(top.y).toBeLessThan(250);
  await photograph(page, 'track-open', info.project.name);

  // A Hindi-speaking citizen logging in on an English page gets Hindi back.
  const mobile = uniqueMobile(info.project.name);
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL!, 'accept-language': 'hi' } });
  expect((await api.post('/api/auth/register', { data: { name: 'Sunita Devi', mobile } })).status()).toBe(201);
  await api.dispose();
  const inbox = await page.context().newPage();
  await inbox.goto('/dev/inbox');
  const otp = /एक बार का पासवर्ड ([a-z0-9]{10})/.exec((await inbox.locator('li[data-channel="sms"]', { hasText: '+91' + mobile }).first().locator('pre').textContent()) ?? '')![1]!;
  await inbox.close();
  await page.goto('/login');
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByLabel('User ID, mobile number or email').fill(mobile);
  await page.getByLabel('Password').fill(otp);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'hi');
  await page.getByRole('button', { name: 'लॉग आउट' }).click();

  // The MIS filters are at least 44 px tall.
  await logIn(page, 'demo-dm');
  await page.goto('/reports');
  for (const control of [page.getByLabel('From', { exact: true }), page.getByLabel('To', { exact: true }), page.getByRole('button', { name: 'Show the report' })]) {
    expect((await control.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  }
  await photograph(page, 'mis', info.project.name);
  // One block's report keeps every office of the district on offer.
  await page.getByLabel('Offices').selectOption({ label: 'Deganga' });
  await page.getByRole('button', { name: 'Show the report' }).click();
  await expect(page).toHaveURL(/[?&]office=n24pgs%2Fbarasat-sadar%2Fdeganga/);
  await expect(page.getByLabel('Offices')).toHaveValue('n24pgs/barasat-sadar/deganga');
  await expect(page.getByLabel('Offices').locator('option')).toHaveCount(1 + 22 + 26);
});
