import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { actualText } from '../support/pdf.ts';
import { logIn } from './login.ts';

/** A phone-camera-like photo: large, so the in-browser compression has work to do. */
async function photo(seed: number): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const buffer = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128 + seed, sigma: 40 } } })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { name: `scan-${seed}.jpg`, mimeType: 'image/jpeg', buffer };
}

async function chooseFile(page: Page, kind: string, seed: number) {
  const chooser = page.waitForEvent('filechooser');
  await page.locator(`fieldset[id="documents.${kind}"]`).getByText('Choose a file').click();
  await (await chooser).setFiles([await photo(seed)]);
  await expect(page.locator(`fieldset[id="documents.${kind}"] .thumbs li`)).toHaveCount(1, { timeout: 20_000 });
}

async function loginAsCitizen(page: Page) {
  await logIn(page, 'demo-citizen');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
}

/** The wizard's first page, "About you", answered and left. */
async function aboutYou(page: Page) {
  await page.getByLabel("Applicant's full name").fill('Rina Das');
  await page.getByLabel('Father').check();
  await page.getByLabel("Guardian's full name").fill('Haripada Das');
  await page.getByLabel('Female').check();
  await page.getByLabel('Date of birth').fill('1998-04-14');
  await page.getByLabel('Mobile number').fill('9000000001');
  await page.getByRole('button', { name: 'Save and continue' }).click();
}

async function address(page: Page) {
  await page.getByLabel('House number, road or village').fill('Vill. Kazipara');
  await page.getByLabel('Post office').fill('Barasat');
  await page.getByLabel('Police station').fill('Barasat');
  await page.getByLabel('Block or municipal area').selectOption({ label: 'Barasat I' });
  await page.getByLabel('PIN code').fill('700124');
  await page.getByRole('button', { name: 'Save and continue' }).click();
}

/** Which proof each document is, and a camera-sized photo for each, compressed on the phone. */
async function documents(page: Page, seed: number) {
  await page.getByLabel('Which document is it?').nth(0).selectOption({ label: 'Voter card (EPIC)' });
  await page.getByLabel('Which document is it?').nth(1).selectOption({ label: 'Birth certificate' });
  await page.getByLabel('Which document is it?').nth(2).selectOption({ label: 'Certificate from the Gram Panchayat Pradhan' });
  for (const [i, kind] of ['photo', 'identity', 'age', 'residence'].entries()) await chooseFile(page, kind, seed + i);
}

/** Signs on the pad with a finger (a wavy line) and keeps the signature. */
async function sign(page: Page) {
  const pad = page.locator('canvas.signature');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let x = 20; x < box.width - 20; x += 15) await page.mouse.move(box.x + x, box.y + box.height / 2 + Math.sin(x / 10) * 15);
  await page.mouse.up();
  await page.getByRole('button', { name: 'Use this signature' }).click();
}

/** What the device has saved of every draft's answers, read from its IndexedDB as the app left it. */
function savedAnswers(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('orc-device');
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
        open.onsuccess = () => {
          const all = open.result.transaction('drafts').objectStore('drafts').getAll();
          all.onerror = () => reject(all.error ?? new Error('getAll failed'));
          all.onsuccess = () => {
            open.result.close();
            resolve((all.result as { fields: Record<string, unknown> }[]).map((d) => d.fields));
          };
        };
      })
  );
}

/** Every step of the wizard, valid answers, up to the ticked declaration. */
async function fillWizard(page: Page) {
  await page.goto('/apply');
  await aboutYou(page);
  await address(page);
  await page.getByLabel('Years you have lived in West Bengal without a break').fill('20');
  await page.getByLabel('What do you need the certificate for?').fill('College admission');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await documents(page, 10);
  await sign(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByLabel(/I declare that what I have written is true/).check();
}

test('an application queued offline goes out when the app is next opened', async ({ page, context }) => {
  await loginAsCitizen(page);
  const count = () => page.evaluate(async () => ((await (await fetch('/api/applications')).json()).applications as unknown[]).length);
  const before = await count();
  await fillWizard(page);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByTestId('queued')).toBeVisible();
  await page.close();

  await context.setOffline(false);
  const reopened = await context.newPage();
  await reopened.goto('/');
  await expect.poll(async () => reopened.evaluate(async () => ((await (await fetch('/api/applications')).json()).applications as unknown[]).length), { timeout: 30_000 }).toBe(before + 1);
});

test('a citizen applies with photos, loses the network half-way, submits offline, and gets the AIN, receipt and tracking once back online', async ({ page, context }) => {
  test.setTimeout(100_000);
  await loginAsCitizen(page);
  await page.getByRole('link', { name: 'Start a new application' }).click();

  // About you: the shared schema's messages appear before anything is sent.
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Some answers need correcting.');
  await aboutYou(page);
  await address(page);
  await expect(page.getByRole('heading', { name: 'Residence and purpose' })).toBeVisible();
  await page.getByLabel('Years you have lived in West Bengal without a break').fill('20');

  // The network goes; the phone reloads; nothing typed is lost.
  await context.setOffline(true);
  await expect.poll(async () => (await savedAnswers(page)).map((fields) => fields.yearsOfResidence)).toContain('20'); // saved a moment after the last keystroke
  await page.reload();
  await expect(page.getByLabel('Years you have lived in West Bengal without a break')).toHaveValue('20');
  await page.getByLabel('What do you need the certificate for?').fill('College admission');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await documents(page, 0);
  const sizes = await page.locator('.thumbs .fname').allTextContents();
  for (const s of sizes) expect(Number(/(\d+) KB/.exec(s)![1])).toBeLessThanOrEqual(400);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360); // nothing wider than the phone
  await sign(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Check your answers and send' })).toBeVisible();
  await expect(page.getByText('Rina Das')).toBeVisible();
  await page.getByLabel(/I declare that what I have written is true/).check();
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByTestId('queued')).toContainText('saved on this phone');

  // Back online: the queued application goes out by itself, exactly once.
  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: 'Application received' })).toBeVisible({ timeout: 30_000 });
  const ain = (await page.getByTestId('ain').textContent())!.replace(/\s/g, '');
  expect(ain).toMatch(/^\d{14}$/);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the acknowledgement receipt (PDF)' }).click();
  const pdf = await (await download).path();
  const { readFileSync } = await import('node:fs');
  expect(actualText(readFileSync(pdf)).replace(/\s+/g, ' ')).toContain(`${ain.slice(0, 2)} ${ain.slice(2, 4)} ${ain.slice(4, 7)} ${ain.slice(7, 13)} ${ain.slice(13)}`);

  await page.getByRole('link', { name: 'Track this application' }).click();
  await expect(page.getByTestId('status')).toHaveText('Received');

  // Only one application was made, however many times the phone tried.
  const mine = await page.evaluate(async () => (await (await fetch('/api/applications')).json()).applications as { ain: string }[]);
  expect(mine.filter((a) => a.ain === ain)).toHaveLength(1);

  // Logging out leaves nothing personal on the device.
  await page.goto('/dashboard');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
  const stored = await page.evaluate(async () => ({ dbs: (await indexedDB.databases()).map((d) => d.name), user: localStorage.getItem('session-user') }));
  expect(stored.dbs).not.toContain('orc-device');
  expect(stored.user).toBeNull();
});

test('"check your answers" shows every answer in words: relation, gender, the date of birth as a date, email, Aadhaar masked, the permanent address; blocks are grouped by subdivision', async ({ page }) => {
  await loginAsCitizen(page);
  await page.goto('/apply');
  await page.getByLabel("Applicant's full name").fill('Rina Das');
  await page.getByLabel('Father').check();
  // A radio's circle and its words are on one line (issue 12).
  const radio = (await page.getByLabel('Father').boundingBox())!;
  const label = (await page.locator('label.radio', { hasText: 'Father' }).boundingBox())!;
  expect(label.height).toBeLessThan(2 * radio.height + 8);
  await page.getByLabel("Guardian's full name").fill('Haripada Das');
  await page.getByLabel('Female').check();
  await page.getByLabel('Date of birth').fill('1998-04-14');
  await page.getByLabel('Mobile number').fill('9000000001');
  await page.getByLabel('Email').fill('rina.check@example.com');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  const groups = page.locator('select[id="presentAddress.blockId"] optgroup');
  expect((await groups.evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label))).slice(0, 4)).toEqual(['Bangaon', 'Barasat Sadar', 'Barrackpore', 'Basirhat']);
  expect(await groups.nth(1).locator('option').allTextContents()).toEqual(['Amdanga', 'Barasat I', 'Barasat II', 'Deganga', 'Habra I', 'Habra II', 'Rajarhat']);
  await page.getByLabel('House number, road or village').fill('Vill. Kazipara');
  await page.getByLabel('Post office').fill('Barasat');
  await page.getByLabel('Police station').fill('Barasat');
  await page.getByLabel('PIN code').fill('700124');
  // The block is found from the post office and PIN just typed (issue 12): one tap sets it.
  const suggested = page.getByTestId('block-suggestions');
  await expect(suggested).toContainText('Going by your post office and PIN code, your block may be:');
  await expect(suggested.getByRole('button')).toHaveText(['Barasat I']);
  await suggested.getByRole('button', { name: 'Barasat I' }).click();
  await expect(page.getByLabel('Block or municipal area')).toHaveValue('n24pgs/barasat-sadar/barasat-i');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByLabel('Years you have lived in West Bengal without a break').fill('20');
  await page.getByLabel('What do you need the certificate for?').fill('College admission');
  await page.getByLabel('Aadhaar number').fill('234123412346');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await documents(page, 30);
  await sign(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Check your answers and send' })).toBeVisible();
  const summary = page.locator('dl.summary');
  for (const text of ['Father', 'Female', 'rina.check@example.com', 'XXXX-XXXX-2346']) await expect(summary).toContainText(text);
  await expect(page.getByTestId('check-dob')).toHaveText('14 April 1998');
  await expect(summary).not.toContainText('1998-04-14');
  await expect(summary).not.toContainText('234123412346');
  await expect(summary.locator('div', { hasText: 'Permanent address' })).toBeVisible();
  await page.getByRole('button', { name: 'বাংলা', exact: true }).click();
  await expect(page.getByTestId('check-dob')).toHaveText('১৪ এপ্রিল, ১৯৯৮');
  await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/check-answers-bn.png`, fullPage: true });
  await page.getByRole('button', { name: 'हिन्दी', exact: true }).click();
  await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/check-answers-hi.png`, fullPage: true });
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/check-answers-en.png`, fullPage: true });
});

test('a citizen of another district chooses it first, then its block; the draft keeps both, and the AIN carries the district digits (issue 15)', async ({ page }) => {
  await loginAsCitizen(page);
  await page.goto('/apply');
  await aboutYou(page);
  const district = page.getByLabel('District', { exact: true });
  // The likely district first (North 24 Parganas for a citizen), then the others in alphabetical order.
  const names = await district.locator('option').allTextContents();
  expect(names).toHaveLength(23);
  expect(names.slice(0, 3)).toEqual(['North 24 Parganas', 'Alipurduar', 'Bankura']);
  await page.getByLabel('House number, road or village').fill('Vill. Kenduadihi');
  await page.getByLabel('Post office').fill('Bankura');
  await page.getByLabel('Police station').fill('Bankura');
  await page.getByLabel('PIN code').fill('722101');
  await district.selectOption({ label: 'Bankura' });
  // Only the chosen district's blocks, grouped under its subdivisions, then its municipal areas (each processed by its
  // SDO since the import gives a new one to its subdivision); the post-office suggestion is North 24 Parganas's.
  const groups = page.locator('select[id="presentAddress.blockId"] optgroup');
  await expect.poll(() => groups.evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label))).toEqual(['Bankura Sadar', 'Bishnupur', 'Khatra', 'Municipal areas']);
  await expect(groups.last().locator('option')).toHaveText(['Bankura Municipality', 'Bishnupur Municipality', 'Sonamukhi Municipality']);
  await expect(page.getByTestId('block-suggestions')).toHaveCount(0);
  await page.getByLabel('Block or municipal area').selectOption({ label: 'Bankura I' });
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(district).toHaveValue('bankura');
  await expect(page.getByLabel('Block or municipal area')).toHaveValue('bankura/bankura-sadar/bankura-i');
  await page.screenshot({ path: test.info().outputPath('district-en.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.getByLabel('Years you have lived in West Bengal without a break').fill('20');
  await page.getByLabel('What do you need the certificate for?').fill('College admission');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await documents(page, 40);
  await sign(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.locator('dl.summary')).toContainText('Bankura I 722101');
  await page.getByLabel(/I declare that what I have written is true/).check();
  await page.getByRole('button', { name: 'Send application' }).click();
  const ain = (await page.getByTestId('ain').textContent({ timeout: 30_000 }))!.replace(/\s/g, '');
  expect(ain.slice(2, 7)).toBe('13006'); // Bankura's Census 2011 code 13, Bankura I's block code 006
});
