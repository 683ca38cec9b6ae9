import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../api/config.ts';

describe('configuration', () => {
  test('defaults give a working development server on port 3000 with the embedded database', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ production: false, port: 3000, origin: 'http://localhost:3000', secureCookies: false, databaseUrl: undefined, demoSeed: true, defaultLang: 'bn' });
    expect(c.dataDir).toMatch(/data$/);
  });

  test('production never seeds demo accounts; an https origin makes cookies Secure', () => {
    const c = loadConfig({ NODE_ENV: 'production', ORIGIN: 'https://edistrict.example.gov.in', PORT: '8080' });
    expect(c).toMatchObject({ production: true, demoSeed: false, secureCookies: true, port: 8080 });
  });

  test('only an unset or exactly "development" NODE_ENV is development; any other spelling is production', () => {
    expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({ production: false, demoSeed: true });
    for (const value of ['Production', 'PRODUCTION', 'prod', 'production ', 'Development', 'dev', 'test', 'staging']) {
      expect(loadConfig({ NODE_ENV: value }), value).toMatchObject({ production: true, demoSeed: false });
    }
  });

  test('development listens on 127.0.0.1 unless HOST says otherwise; production on every address', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });

  test('empty values mean unset, and a bad value names the setting', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DEFAULT_LANG: 'fr' })).toThrow(/DEFAULT_LANG/);
  });

  test('TRUST_PROXY counts the X-Forwarded-For entries the proxies in front add; its old flag words still mean none and one', () => {
    expect(loadConfig({}).trustedProxies).toBe(0);
    for (const [value, proxies] of [['0', 0], ['false', 0], ['no', 0], ['1', 1], ['true', 1], ['yes', 1], ['2', 2]] as const) {
      expect(loadConfig({ TRUST_PROXY: value }).trustedProxies, value).toBe(proxies);
    }
    for (const bad of ['-1', '1.5', 'maybe', '11', ' ', '0x2', '1e1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: how many X-Forwarded-For entries the proxies in front add, 0 to 10/);
    }
  });

  test('in production an outbox lease is never shorter than a batch of messages at its slowest', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', OUTBOX_LEASE_SECONDS: '10' })).toThrow(/OUTBOX_LEASE_SECONDS: at least 90 in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', OUTBOX_LEASE_SECONDS: '75' })).toThrow(/OUTBOX_LEASE_SECONDS/); // no margin
    expect(loadConfig({ NODE_ENV: 'production', OUTBOX_LEASE_SECONDS: '90' }).outboxLeaseMs).toBe(90_000);
    expect(loadConfig({ NODE_ENV: 'production' }).outboxLeaseMs).toBeUndefined(); // the default, 150 s
    // Tests that kill a process on purpose run in development, where a short lease lets them see it taken over.
    expect(loadConfig({ NODE_ENV: 'development', OUTBOX_LEASE_SECONDS: '10' }).outboxLeaseMs).toBe(10_000);
  });

  test('attempt counters are kept at least as long as the longest window they count in', () => {
    expect(loadConfig({}).retention.attemptCounterDays).toBe(2);
    expect(() => loadConfig({ RETENTION_ATTEMPT_COUNTER_DAYS: '0.5' })).toThrow(/RETENTION_ATTEMPT_COUNTER_DAYS/);
    expect(() => loadConfig({ RETENTION_ATTEMPT_COUNTER_DAYS: '2', LOGIN_THROTTLE_MINUTES: '4320' })).toThrow(/RETENTION_ATTEMPT_COUNTER_DAYS: must be at least LOGIN_THROTTLE_MINUTES/);
    expect(loadConfig({ RETENTION_ATTEMPT_COUNTER_DAYS: '3', LOGIN_THROTTLE_MINUTES: '4320' }).retention.attemptCounterDays).toBe(3);
  });
});
