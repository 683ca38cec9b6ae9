// The officers' chain on phones (issue 4; seed steps 3–7): the BDO forwards, the Enquiry Officer loses the
// network, writes the report with a photo and a (mocked) GPS position, comes back online and it syncs; the BDO
// approves and signs; the citizen downloads the certificate; the QR code printed on it leads to the verify page,
// which says valid; the DM revokes; the verify page says revoked.
import { expect, request, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { testJpeg } from '../support/applications.ts';
import { qrTextOf } from '../support/pdf.ts';
import { fileApplication } from './api.ts';
import { logIn } from './login.ts';

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'en-IN' };

async function loggedIn(browser: Browser, baseURL: string, userId: string, extra: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...phone, baseURL, ...extra });
  const page = await context.newPage();
  await logIn(page, userId);
  return { context, page };
}

test('BDO forwards → EO reports offline with a photo and GPS → BDO approves → citizen downloads → QR verifies → DM revokes', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const ain = await fileApplication(baseURL!);

  // Step 3: the BDO finds it in the queue and sends it for field enquiry.
  const bdo = await loggedIn(browser, baseURL!, 'demo-bdo');
  await bdo.page.goto('/applications');
  await bdo.page.locator(`a[href="/applications/${ain}"]`).click();
  await expect(bdo.page.getByTestId('status')).toHaveText('Received');
  await bdo.page.getByRole('button', { name: 'Send for field enquiry' }).click();
  await bdo.page.getByLabel('Enquiry Officer').selectOption('demo-eo');
  await bdo.page.getByRole('button', { name: 'Confirm: Send for field enquiry' }).click();
  await expect(bdo.page.getByTestId('status')).toHaveText('Field enquiry');

  // Step 4: the EO opens the enquiry while online (it is copied to the phone), then loses the network.
  const eo = await loggedIn(browser, baseURL!, 'demo-eo', { geolocation: { latitude: 22.7241, longitude: 88.4783, accuracy: 14 }, permissions: ['geolocation'] });
  await eo.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await eo.page.goto('/applications');
  await expect(eo.page.locator(`a[href="/applications/${ain}"]`)).toBeVisible();
  await eo.page.locator(`a[href="/applications/${ain}"]`).click();
  await expect(eo.page.getByRole('heading', { name: 'Field report' })).toBeVisible();
  await expect.poll(() => eo.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await eo.context.setOffline(true);
  await eo.page.reload(); // in the field: the enquiry opens from the phone with no network
  await expect(eo.page.getByTestId('offline-copy')).toBeVisible();
  await expect(eo.page.getByText('Vill. Kadambagachi')).toBeVisible();
  await eo.page.getByLabel('What you found').fill('Met the applicant and her father at the house; neighbours confirm 25 years of residence.');
  await eo.page.getByLabel('Recommended', { exact: true }).check();
  await eo.page.getByRole('button', { name: 'Record my position' }).click();
  await expect(eo.page.getByTestId('position')).toContainText('22.72410, 88.47830');
  const chooser = eo.page.waitForEvent('filechooser');
  await eo.page.getByText('Take a photo').click();
  await (await chooser).setFiles([{ name: 'house.jpg', mimeType: 'image/jpeg', buffer: await testJpeg(7, { width: 2000, height: 1500 }) }]);
  await expect(eo.page.locator('.thumbs li')).toHaveCount(1, { timeout: 20_000 });
  await eo.page.getByRole('button', { name: 'Send the report' }).click();
  await expect(eo.page.getByTestId('report-queued')).toBeVisible();

  // Back in network range: the report goes out by itself.
  await eo.context.setOffline(false);
  await expect(eo.page.getByTestId('status')).toHaveText('Enquiry done', { timeout: 30_000 });
  // Sent: the form keeps what was reported, and no button invites another send, photo or position (issue 12).
  for (const name of ['Send the report', 'Record my position']) await expect(eo.page.getByRole('button', { name })).toHaveCount(0);
  await expect(eo.page.getByText('Take a photo')).toHaveCount(0);

  // Step 5: the BDO sees the report with its photo and map link, and approves with the digital signature.
  await bdo.page.reload();
  const report = bdo.page.getByTestId('report');
  await expect(report).toContainText('neighbours confirm 25 years');
  await expect(report.getByRole('link', { name: /Open the position on a map/ })).toHaveAttribute('href', /mlat=22\.7241&mlon=88\.4783/);
  await expect(report.locator('img')).toHaveCount(1);
  await bdo.page.getByRole('button', { name: 'Approve and sign' }).click();
  await bdo.page.getByRole('button', { name: 'Confirm: Approve and sign' }).click();
  // Rendering and signing take a moment; the first approval on a fresh server also makes the development CA.
  await expect(bdo.page.getByTestId('status')).toHaveText('Approved', { timeout: 30_000 });
  const certificateNo = (await bdo.page.getByTestId('certificate-no').textContent())!;
  expect(certificateNo).toMatch(/^ORC-\d{4}-11\d{3}-\d{6}$/);

  // Step 6: the citizen downloads the signed certificate.
  const citizen = await loggedIn(browser, baseURL!, 'demo-citizen');
  await citizen.page.goto(`/applications/${ain}`);
  const download = citizen.page.waitForEvent('download');
  await citizen.page.getByRole('link', { name: 'Download the certificate (PDF)' }).click();
  const pdf = Buffer.from(await (await (await download).createReadStream()).toArray().then((chunks) => Buffer.concat(chunks)));
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.toString('latin1')).toContain('/adbe.pkcs7.detached');

  // The QR code on the paper leads to the verify page, which says valid.
  const qr = qrTextOf(pdf);
  expect(qr).not.toBeNull();
  const target = new URL(qr!);
  expect(target.pathname).toBe(`/verify/${certificateNo}`);
  const verifier = await browser.newContext({ ...phone, baseURL });
  const verifyPage = await verifier.newPage();
  await verifyPage.goto(target.pathname + target.hash);
  await verifyPage.getByRole('button', { name: 'English' }).click();
  await expect(verifyPage.getByTestId('verdict')).toContainText('Valid');
  await expect(verifyPage.getByText('Sraboni Chakraborty')).toBeVisible();
  // Every fact printed on the paper is on the page to compare (issue 11): guardian, address, years, signer.
  await expect(verifyPage.getByText('Father: Pradip Chakraborty')).toBeVisible();
  await expect(verifyPage.getByText(/^Vill\. Kadambagachi, P\.O\. Kadambagachi, P\.S\. Duttapukur, .* - 743272$/)).toBeVisible();
  await verifyPage.screenshot({ path: test.info().outputPath('verify-360-en.png'), fullPage: true });

  // The DM revokes; the same page then says revoked.
  const dm = await loggedIn(browser, baseURL!, 'demo-dm');
  await dm.page.goto(`/applications/${ain}`);
  await dm.page.getByLabel('Reason for revoking').fill('Residence proof found to be forged on inspection.');
  await dm.page.getByRole('button', { name: 'Revoke the certificate' }).click();
  await expect(dm.page.getByText(/Revoked on .*forged/)).toBeVisible();
  await verifyPage.reload();
  await expect(verifyPage.getByTestId('verdict')).toContainText('Revoked');

  for (const c of [bdo.context, eo.context, citizen.context, dm.context, verifier]) await c.close();
});

test('a citizen corrects an application the BDO sent back, in the same wizard, and it returns as received under the same AIN', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const ain = await fileApplication(baseURL!);
  const officer = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  await officer.post('/api/auth/login', { data: { login: 'demo-bdo', password: 'demo-password' } });
  const sentBack = await officer.post(`/api/applications/${ain}/actions`, { data: { action: 'send_back', version: 1, remarks: 'Write the holding number of the house in the address.' } });
  expect(sentBack.status()).toBe(200);

  const citizen = await loggedIn(browser, baseURL!, 'demo-citizen');
  await citizen.page.goto(`/applications/${ain}`);
  await expect(citizen.page.getByTestId('remarks')).toHaveText('Write the holding number of the house in the address.');
  await citizen.page.getByRole('link', { name: 'Correct and resubmit' }).click();
  await expect(citizen.page.getByTestId('correcting')).toContainText('Write the holding number');
  await expect(citizen.page.getByLabel("Applicant's full name")).toHaveValue('Sraboni Chakraborty');
  await citizen.page.getByRole('button', { name: 'Save and continue' }).click();
  await citizen.page.getByLabel('House number, road or village').fill('Vill. Kadambagachi, Holding 7');
  await citizen.page.getByRole('button', { name: 'Save and continue' }).click();
  await citizen.page.getByRole('button', { name: 'Save and continue' }).click();
  // The documents already sent are kept, shown from the server; nothing needs uploading again.
  await expect(citizen.page.locator('fieldset[id="documents.residence"] .thumbs li')).toHaveCount(1);
  await citizen.page.getByRole('button', { name: 'Save and continue' }).click();
  await citizen.page.getByLabel(/I declare that what I have written is true/).check();
  await citizen.page.getByRole('button', { name: 'Send application' }).click();

  await expect(citizen.page).toHaveURL(new RegExp(`/applications/${ain}$`));
  await expect(citizen.page.getByTestId('status')).toHaveText('Received');
  await expect(citizen.page.getByText('Vill. Kadambagachi, Holding 7')).toBeVisible();
  // The history says it in words, not as the audit trail's field names (issue 12).
  await expect(citizen.page.getByText('Answers or documents changed: 1')).toBeVisible();
  await expect(citizen.page.getByText('presentAddress.house')).toHaveCount(0);
  await officer.dispose();
  await citizen.context.close();
});

test('after the BDO asks for a second enquiry, the Enquiry Officer writes a new report on the same phone', async ({ browser, baseURL }) => {
  const ain = await fileApplication(baseURL!);
  const officer = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  await officer.post('/api/auth/login', { data: { login: 'demo-bdo', password: 'demo-password' } });
  expect((await officer.post(`/api/applications/${ain}/actions`, { data: { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' } })).status()).toBe(200);

  const eo = await loggedIn(browser, baseURL!, 'demo-eo');
  await eo.page.goto(`/applications/${ain}`);
  await eo.page.getByLabel('What you found').fill('The house was locked; two neighbours say she has lived here for years.');
  await eo.page.getByLabel('Recommended', { exact: true }).check();
  await eo.page.getByLabel('Place, in words').fill('At the house, Vill. Kadambagachi');
  await eo.page.getByRole('button', { name: 'Send the report' }).click();
  await expect(eo.page.getByTestId('status')).toHaveText('Enquiry done');
  await expect(eo.page.getByText('Report sent to the BDO.')).toBeVisible();

  // The BDO wants the applicant met in person: the enquiry opens again, and the phone's sent report is history.
  expect((await officer.post(`/api/applications/${ain}/actions`, { data: { action: 're_enquire', version: 3, remarks: 'Meet the applicant herself.' } })).status()).toBe(200);
  await eo.page.reload();
  await expect(eo.page.getByTestId('status')).toHaveText('Field enquiry');
  await expect(eo.page.getByLabel('What you found')).toBeEditable();
  await expect(eo.page.getByLabel('What you found')).toHaveValue('');
  await officer.dispose();
  await eo.context.close();
});
