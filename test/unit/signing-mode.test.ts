// Which way an officer signs (issue 14 item 6): the officer's own users.signing_mode, else the district's entry in
// SIGNING_MODE_BY_DISTRICT, else SIGNING_MODE; development keeps the local CA with nothing set.
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import type { Queryable } from '../../api/db/connect.ts';
import { SecretCache } from '../../api/secrets.ts';
import { officerKeySigner, signingModeOf } from '../../api/signing/officer.ts';

/** A database that knows one officer's own mode (or none). */
const withOfficerMode = (mode: string | null) => (async () => [{ signingMode: mode }]) as unknown as Queryable;

describe('signing modes', () => {
  test('with nothing set, development signs with the local CA and production with the PKCS#12 files', () => {
    expect(loadConfig({}).signing.mode).toBe('dev');
    expect(loadConfig({ SIGNING_P12_DIR: '/etc/orc/p12' }).signing.mode).toBe('p12');
    expect(loadConfig({ NODE_ENV: 'production' }).signing.mode).toBe('p12');
  });

  test('the officer’s own mode wins, then the district’s, then the state’s', async () => {
    const config = loadConfig({ SIGNING_MODE: 'pkcs11', SIGNING_MODE_BY_DISTRICT: '11=esign, 12 = p12' });
    expect(config.signing.modeByDistrict).toEqual({ '11': 'esign', '12': 'p12' });
    expect(await signingModeOf(config, withOfficerMode('dev'), 'bdo-1', '11')).toBe('dev');
    expect(await signingModeOf(config, withOfficerMode(null), 'bdo-1', '11')).toBe('esign');
    expect(await signingModeOf(config, withOfficerMode(null), 'bdo-1', '12')).toBe('p12');
    expect(await signingModeOf(config, withOfficerMode(null), 'bdo-1', '13')).toBe('pkcs11');
  });

  test('a malformed district list or mode is refused at start, naming the variable', () => {
    expect(() => loadConfig({ SIGNING_MODE_BY_DISTRICT: '11:esign' })).toThrow(/SIGNING_MODE_BY_DISTRICT/);
    expect(() => loadConfig({ SIGNING_MODE: 'usb-token' })).toThrow(/SIGNING_MODE/);
    expect(() => loadConfig({ DIGILOCKER_DOC_TYPE: 'residence' })).toThrow(/DIGILOCKER_DOC_TYPE/);
  });

  test('the development CA is never used in production, and pkcs11 needs its module', async () => {
    const officer = { id: 'bdo-1', name: 'Amit Roy', officeName: 'Barasat-I' };
    await expect(officerKeySigner({ config: loadConfig({ NODE_ENV: 'production', SIGNING_MODE: 'dev' }), secrets: new SecretCache() }, 'dev', officer)).rejects.toThrow(/not allowed in production/);
    await expect(officerKeySigner({ config: loadConfig({ SIGNING_MODE: 'pkcs11' }), secrets: new SecretCache() }, 'pkcs11', officer)).rejects.toThrow(/PKCS11_MODULE/);
  });
});
