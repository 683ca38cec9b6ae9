import { describe, expect, test } from 'vitest';
import { deriveAadhaarKeys, maskAadhaar, openAadhaar, sealAadhaar } from '../../api/applications/aadhaar.ts';
import { sealEvent, verifyChain, type StoredEvent } from '../../api/applications/audit.ts';
import { maskName } from '../../api/applications/track.ts';
import { addWorkingDays } from '../../api/sla/calendar.ts';
import { kolkataDate } from '../../api/time.ts';
import { applicantSchema } from '../../shared/application.ts';
import { validApplicant } from '../support/applications.ts';

describe('the application schema shared by the PWA and the API', () => {
  test('a complete application passes', () => {
    expect(applicantSchema.safeParse(validApplicant()).success).toBe(true);
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    ['a name in Bengali script', { name: 'রিনা দাস' }, 'name', 'field.english_letters'],
    ['a PIN outside West Bengal', { presentAddress: { ...validApplicant().presentAddress, pin: '110001' } }, 'presentAddress.pin', 'field.pin'],
    ['a birth date in the future', { dateOfBirth: '2999-01-01' }, 'dateOfBirth', 'field.date_of_birth'],
    ['a birth date that does not exist', { dateOfBirth: '2001-02-30' }, 'dateOfBirth', 'field.date_of_birth'],
    ['more years here than years alive', { dateOfBirth: '2016-01-01', yearsOfResidence: 40 }, 'yearsOfResidence', 'field.years_over_age'],
    ['no declaration', { declaration: false }, 'declaration', 'field.declaration'],
    ['a different permanent address left empty', { permanentSameAsPresent: false }, 'permanentAddress.house', 'field.required'],
    ['a landline as the mobile', { mobile: '033 2552 1234' }, 'mobile', 'field.mobile']
  ];
  test.each(cases)('%s is refused with its own message', (_label, change, path, message) => {
    const result = applicantSchema.safeParse(validApplicant(change));
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((i) => i.path.join('.') === path)?.message).toBe(message);
  });

  test('a different permanent address, written out, passes', () => {
    const permanentAddress = { house: 'Flat 3, 12 Lake Road', postOffice: 'Ballygunge', policeStation: 'Lake', district: 'Kolkata', pin: '700029' };
    expect(applicantSchema.safeParse(validApplicant({ permanentSameAsPresent: false, permanentAddress })).success).toBe(true);
  });
});

describe('Aadhaar at rest', () => {
  const keys = deriveAadhaarKeys(Buffer.alloc(32, 7));
  test('sealed with AES-GCM: opens with the key, fails if a byte changes, and the HMAC matches for the same number', () => {
    const a = sealAadhaar(keys, '234567890124');
    const b = sealAadhaar(keys, '234567890124');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false); // a fresh nonce each time
    expect(a.hmac).toBe(b.hmac);
    expect(a.last4).toBe('0124');
    expect(openAadhaar(keys, a)).toBe('234567890124');
    const tampered = Buffer.from(a.ciphertext);
    tampered[0]! ^= 1;
    expect(() => openAadhaar(keys, { ciphertext: tampered, nonce: a.nonce })).toThrow();
    expect(maskAadhaar(a.last4)).toBe('XXXX-XXXX-0124');
  });

  test('a short key is refused', () => {
    expect(() => deriveAadhaarKeys(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe('the audit chain', () => {
  test('an edited or removed event is found', () => {
    const base = { applicationId: '1', actorId: 'u', actorRole: 'citizen', fromStatus: null, toStatus: 'submitted', remarks: null, channel: 'web', at: new Date(0) };
    const events: StoredEvent[] = [];
    for (const action of ['submit', 'forward_to_eo', 'submit_report']) events.push(sealEvent({ ...base, action }, events.at(-1) ?? null));
    expect(verifyChain(events)).toBeNull();
    expect(verifyChain(events.map((e) => (e.seq === 2 ? { ...e, remarks: 'quietly edited' } : e)))).toBe(2);
    expect(verifyChain([events[0]!, events[2]!])).toBe(3);
  });
});

describe('tracking and the calendar', () => {
  test('names are masked to initials', () => {
    expect(maskName('Rina Das')).toBe('R*** D***');
    expect(maskName('  A  Kumar ')).toBe('A*** K***');
    // Word lengths are not told: a long name and a short one mask alike.
    expect(maskName('Rabindranath Dasgupta')).toBe(maskName('Ria Do'));
  });

  test('due dates fall at the end of the n-th working day in Kolkata, skipping Sundays and holidays', () => {
    const friday = new Date('2026-11-27T05:00:00Z');
    expect(addWorkingDays(friday, 1, new Set()).toISOString()).toBe('2026-11-28T18:29:59.999Z'); // Saturday works
    expect(addWorkingDays(friday, 2, new Set()).toISOString()).toBe('2026-11-30T18:29:59.999Z'); // Sunday does not
    expect(addWorkingDays(friday, 2, new Set(['2026-11-30'])).toISOString()).toBe('2026-12-01T18:29:59.999Z');
    // 20:00 UTC on Saturday is already Sunday 01:30 in Kolkata
    expect(kolkataDate(new Date('2026-11-28T20:00:00Z'))).toBe('2026-11-29');
    expect(addWorkingDays(new Date('2026-12-31T20:00:00Z'), 1, new Set()).toISOString()).toBe('2027-01-02T18:29:59.999Z');
  });
});

describe('EXIF removal without re-encoding', () => {
  test('a JPEG keeps its picture bytes exactly and loses EXIF, XMP and comments; a broken one is refused', async () => {
    const { stripJpegMetadata, inspectUpload } = await import('../../api/documents/inspect.ts');
    const sharp = (await import('sharp')).default;
    const original = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a33' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'TestPhone', Model: 'SecretModel-42' } })
      .toBuffer();
    expect(original.includes(Buffer.from('SecretModel-42'))).toBe(true);
    const stripped = stripJpegMetadata(original)!.bytes;
    expect(stripped.includes(Buffer.from('SecretModel-42'))).toBe(false);
    expect(stripped.includes(Buffer.from('Exif'))).toBe(false);
    // The compressed picture (everything from the start of scan) is untouched.
    const sos = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xda])));
    expect(sos(stripped).equals(sos(original))).toBe(true);
    expect((await sharp(stripped).metadata()).width).toBe(64);
    expect(stripJpegMetadata(original.subarray(0, 20))).toBeNull();

    const inspected = await inspectUpload(original);
    expect(inspected.ok && inspected.bytes.includes(Buffer.from('SecretModel-42'))).toBe(false);
    const cut = await inspectUpload(original.subarray(0, original.length - 20));
    expect(cut).toEqual({ ok: false, reason: 'file_damaged' });
  });

  test('a photo whose EXIF says it is rotated is turned upright before the EXIF goes', async () => {
    const { inspectUpload } = await import('../../api/documents/inspect.ts');
    const sharp = (await import('sharp')).default;
    const sideways = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#3a3' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const inspected = await inspectUpload(sideways);
    expect(inspected.ok).toBe(true);
    if (!inspected.ok) return;
    const meta = await sharp(inspected.bytes).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([40, 80, 1]);
  });
});
