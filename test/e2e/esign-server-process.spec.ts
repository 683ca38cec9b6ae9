// eSign on a phone (issue 14): a district whose BDOs sign with eSign (SIGNING_MODE_BY_DISTRICT), an ESP simulator
// and a TSA. The BDO approves, passes the ESP's OTP page, comes back to the approved application; the citizen
// downloads a certificate whose signature names the BDO and carries a timestamp; the verify page says so. Its own
// server process (like server-process.spec.ts), since the ESP's address must be in the server's settings.
import { expect, request, test, type Browser, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCertificatePdf } from '../../api/certificates/sign.ts';
import { startEspMock } from '../mocks/esp.ts';
import { startTsaMock } from '../mocks/tsa.ts';
import { idempotencyKey } from '../support/applications.ts';
import { fileApplication } from './api.ts';
import { logIn } from './login.ts';

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'en-IN' };
const AADHAAR = '999999990019';
const SHOTS = process.env.SCREENSHOT_DIR;

async function phonePage(browser: Browser, baseURL: string, userId: string): Promise<Page> {
  const context = await browser.newContext({ ...phone, baseURL });
  const page = await context.newPage();
  await logIn(page, userId);
  return page;
}

test('the BDO approves with eSign on a phone and the citizen downloads a certificate signed in the BDO’s name', async ({ browser }) => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'orc-esign-e2e-'));
  const port = Number(process.env.E2E_PORT ?? 4173) + 8;
  const baseURL = `http://localhost:${port}`;
  const esp = await startEspMock({ residents: { [AADHAAR]: 'Demo BDO Barasat I' }, otp: '314159' });
  const tsa = await startTsaMock();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      ORIGIN: baseURL,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      SLA_SWEEP_INTERVAL_SECONDS: '0',
      // North 24 Parganas (census code 11) signs with eSign; the rest of the state stays on the default.
      SIGNING_MODE_BY_DISTRICT: '11=esign',
      ESIGN_ESP_URL: esp.signUrl,
      ESIGN_ASP_ID: esp.asp.id,
      ESIGN_ASP_KEY_PEM: esp.asp.keyPath,
      ESIGN_ASP_CERT_PEM: esp.asp.certPath,
      ESIGN_ESP_CERT_PEM: esp.espCertPath,
      ESIGN_TRUSTED_CA_PEM: esp.caPath,
      TSA_URL: tsa.url,
      TSA_TRUSTED_CA_PEM: tsa.caPemPath
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    await expect.poll(async () => (await fetch(`${baseURL}/api/health`).catch(() => null))?.status, { timeout: 90_000 }).toBe(200);

    // Forwarded and reported over the API: this test is about the approval.
    const ain = await fileApplication(baseURL);
    const api = async (user: string) => {
      const ctx = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
      await ctx.post('/api/auth/login', { data: { login: user, password: 'demo-password' } });
      return ctx;
    };
    const bdoApi = await api('demo-bdo');
    expect((await bdoApi.post(`/api/applications/${ain}/actions`, { data: { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' } })).status()).toBe(200);
    const eoApi = await api('demo-eo');
    const report = { version: 2, visitedAt: new Date(Date.now() - 3_600_000).toISOString(), findings: 'Met the applicant and her father; neighbours confirm.', recommendation: 'recommend', position: { latitude: 22.72, longitude: 88.48, accuracy: 10 }, photos: [] };
    expect((await eoApi.post(`/api/applications/${ain}/report`, { headers: { 'Idempotency-Key': idempotencyKey() }, data: report })).status()).toBe(201);

    // The BDO confirms on the phone and is taken to the ESP's page.
    const bdo = await phonePage(browser, baseURL, 'demo-bdo');
    await bdo.goto(`/applications/${ain}`);
    await bdo.getByRole('button', { name: 'Approve and sign' }).click();
    await bdo.getByRole('button', { name: 'Confirm: Approve and sign' }).click();
    await expect(bdo).toHaveURL(esp.signUrl);
    await expect(bdo.getByText(`Ordinary Residential Certificate ORC-`)).toBeVisible();

    // Meanwhile the application shows that it awaits the signature.
    const citizen = await phonePage(browser, baseURL, 'demo-citizen');
    await citizen.goto(`/applications/${ain}`);
    await expect(citizen.getByTestId('esign-awaiting')).toContainText('Awaiting signature');
    if (SHOTS) await citizen.screenshot({ path: join(SHOTS, 'esign-awaiting-en.png'), fullPage: true });

    if (SHOTS) await bdo.screenshot({ path: join(SHOTS, 'esign-esp-otp.png'), fullPage: true });
    await bdo.getByLabel('Aadhaar number').fill(AADHAAR);
    await bdo.getByLabel('OTP sent to the mobile number registered with Aadhaar').fill(esp.sentOtps.at(-1)!);
    await bdo.getByLabel('I consent to sign this document with eSign.').check();
    await bdo.getByRole('button', { name: 'Sign' }).click();

    // Back at the application: approved, the outcome said.
    await expect(bdo).toHaveURL(new RegExp(`/applications/${ain}\\?esign=signed`));
    await expect(bdo.getByTestId('status')).toHaveText('Approved', { timeout: 30_000 });
    await expect(bdo.getByTestId('esign-outcome')).toContainText('Signed with eSign');
    if (SHOTS) await bdo.screenshot({ path: join(SHOTS, 'esign-signed-en.png'), fullPage: true });
    const certificateNo = (await bdo.getByTestId('certificate-no').textContent())!;

    // The citizen downloads it: the signature names the BDO, chains to the ESP's CA, and is timestamped.
    await citizen.reload();
    const download = citizen.waitForEvent('download');
    await citizen.getByRole('link', { name: 'Download the certificate (PDF)' }).click();
    const pdf = Buffer.concat(await (await (await download).createReadStream()).toArray());
    const verified = await verifyCertificatePdf(pdf, [esp.caPem], { trustedTsaCas: [tsa.caPem] });
    expect(verified).toMatchObject({ valid: true, signer: { commonName: 'Demo BDO Barasat I', issuer: 'Test eSign CA 2026' }, timestamp: { valid: true } });

    // The verify page says what it checked.
    await citizen.goto(`/verify/${certificateNo}`);
    await expect(citizen.getByTestId('verdict')).toContainText('Valid');
    await expect(citizen.getByTestId('signer')).toHaveText('Demo BDO Barasat I');
    await expect(citizen.getByTestId('chain')).toHaveText('Demo BDO Barasat I → Test eSign CA 2026');
    await expect(citizen.getByTestId('timestamp')).toContainText('Test Time-Stamping Authority');
    if (SHOTS) {
      await citizen.screenshot({ path: join(SHOTS, 'verify-en.png'), fullPage: true });
      for (const [lang, label] of [['bn', 'বাংলা'], ['hi', 'हिन्दी']] as const) {
        await citizen.getByRole('button', { name: label }).click();
        await citizen.screenshot({ path: join(SHOTS, `verify-${lang}.png`), fullPage: true });
      }
    }
    await bdoApi.dispose();
    await eoApi.dispose();
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
    await esp.close();
    await tsa.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (output.includes('"level":"error"')) console.log(output.slice(-3000));
  }
});
