// Steps done over the API in specs that are about what happens next.
import { expect, request } from '@playwright/test';
import { documentKinds } from '../../shared/application.ts';
import { idempotencyKey, proofs, testJpeg, validApplicant } from '../support/applications.ts';

/** A citizen's application, filed over the API by the demo citizen. */
export async function fileApplication(baseURL: string): Promise<string> {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  expect((await api.post('/api/auth/login', { data: { login: 'demo-citizen', password: 'demo-password' } })).ok()).toBe(true);
  const ids: string[] = [];
  for (const [i, kind] of documentKinds.entries()) {
    const file = { name: `${kind}.jpg`, mimeType: 'image/jpeg', buffer: await testJpeg(i, { width: 400, height: 300 }) };
    const res = await api.post('/api/documents', { multipart: { kind, proof: proofs[kind], file } });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).id);
  }
  const applicant = validApplicant({
    name: 'Sraboni Chakraborty',
    guardianName: 'Pradip Chakraborty',
    dateOfBirth: '1996-08-15',
    presentAddress: { house: 'Vill. Kadambagachi', postOffice: 'Kadambagachi', policeStation: 'Duttapukur', pin: '743272', blockId: 'n24pgs/barasat-sadar/barasat-i' },
    yearsOfResidence: 25,
    purpose: 'Government job application'
  });
  const res = await api.post('/api/applications', { headers: { 'Idempotency-Key': idempotencyKey() }, data: { applicant, documents: ids } });
  expect(res.status()).toBe(201);
  const { ain } = await res.json();
  await api.dispose();
  return ain;
}
