// The in-memory limit on public lookups (api/http/rate-limit.ts) and the address it counts against
// (clientAddress, api/http/middleware.ts).
import { Hono } from 'hono';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiEnv } from '../../api/http/env.ts';
import { clientAddress, detached, networkOf, networksHeld } from '../../api/http/middleware.ts';
import { createRateLimiter } from '../../api/http/rate-limit.ts';
import { TestClock } from '../support/server.ts';

describe('the per-client limit', () => {
  test('counts a window per key, says how long to wait once over it, and starts again when the window ends', () => {
    const clock = new TestClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, clock });
    expect([1, 2, 3].map(() => limiter.hit('203.0.113.1'))).toEqual([0, 0, 0]);
    clock.advance(20_000);
    expect(limiter.hit('203.0.113.1')).toBe(40_000);
    expect(limiter.hit('203.0.113.2')).toBe(0); // another client has its own window
    clock.advance(40_000);
    expect(limiter.hit('203.0.113.1')).toBe(0);
  });

  const realIterator = Map.prototype[Symbol.iterator];
  afterEach(() => {
    Map.prototype[Symbol.iterator] = realIterator;
  });

  test('with more than 100,000 clients in one window, ended windows are swept at most once a window, not on every request', () => {
    const clock = new TestClock();
    const limiter = createRateLimiter({ limit: 30, windowMs: 60_000, clock });
    for (let i = 0; i <= 100_000; i++) limiter.hit(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    let sweeps = 0;
    Map.prototype[Symbol.iterator] = function (this: Map<unknown, unknown>) {
      sweeps += 1;
      return realIterator.call(this);
    };
    for (let i = 0; i < 1_000; i++) limiter.hit(`198.51.100.${i % 250}`);
    // Once when the map first passed 100,000; before, every one of the thousand requests read all 100,001 windows.
    expect(sweeps).toBe(1);
    expect(limiter.size).toBe(100_251);
    // A window later the ended windows are forgotten, and only the one counted since is kept.
    clock.advance(60_000);
    limiter.hit('203.0.113.9');
    expect(sweeps).toBe(2);
    Map.prototype[Symbol.iterator] = realIterator;
    expect(limiter.size).toBe(1);
  });
});

describe('the client address behind reverse proxies (TRUST_PROXY)', () => {
  async function addressOf(forwardedFor: string | undefined, trustedProxies: number): Promise<string> {
    const app = new Hono<ApiEnv>().get('/', (c) => c.text(clientAddress(c, trustedProxies)));
    const res = await app.request('/', { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
    return res.text();
  }

  test('is the entry the farthest trusted proxy added, never one the caller wrote before it', async () => {
    expect(await addressOf('203.0.113.7', 1)).toBe('203.0.113.7');
    expect(await addressOf('198.51.100.1, 203.0.113.7', 1)).toBe('203.0.113.7');
    // Two proxies: the outer one adds the caller's address, the inner one the outer one's.
    expect(await addressOf('198.51.100.1, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
    expect(await addressOf('203.0.113.7', 2)).toBe('203.0.113.7');
    // Some balancers add the port they saw; IPv6 comes bare or in brackets.
    expect(await addressOf('198.51.100.1, 203.0.113.7:51234', 1)).toBe('203.0.113.7');
    expect(await addressOf('198.51.100.1, [2001:db8::7]:443', 1)).toBe('2001:db8::7');
    expect(await addressOf('198.51.100.1, 2001:db8::7', 1)).toBe('2001:db8::7');
  });

  test('an entry that is not an address counts as the connection itself', async () => {
    for (const entry of ['unknown', 'evil.example', '203.0.113.7:x', '999.1.1.1', '']) {
      expect(await addressOf(`198.51.100.1, ${entry}`, 1), entry).toBe('unknown');
    }
  });

  test('is the connection itself when no proxy is trusted or none added an entry', async () => {
    // app.request() has no socket, so the connection's address reads "unknown" here.
    expect(await addressOf('198.51.100.1', 0)).toBe('unknown');
    expect(await addressOf(undefined, 1)).toBe('unknown');
    expect(await addressOf(' ', 1)).toBe('unknown');
  });
});

describe('what a per-address limit counts the caller as (clientNetwork)', () => {
  test('an IPv4 address is itself; an IPv6 address is its /64, however it is written', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('2405:201:abcd:1234:aaaa:bbbb:cccc:dddd')).toBe('2405:201:abcd:1234::/64');
    expect(networkOf('2405:201:abcd:1234::1')).toBe('2405:201:abcd:1234::/64');
    expect(networkOf('2405:0201:ABCD:1234:0:0:0:9')).toBe('2405:201:abcd:1234::/64');
    expect(networkOf('2405:201:abcd:1235::1')).toBe('2405:201:abcd:1235::/64');
    expect(networkOf('fe80::1%eth0')).toBe('fe80::/64');
  });

  test('an address is parsed once and remembered; 10,000 at most, and none longer than 64 characters; same answers', () => {
    const held = networksHeld();
    const first = networkOf('2405:201:feed:1::42');
    expect(first).toBe('2405:201:feed:1::/64');
    expect(networksHeld()).toBe(held + 1);
    expect(networkOf('2405:201:feed:1::42')).toBe(first);
    expect(networksHeld()).toBe(held + 1);
    // Past the bound every address is forgotten and parsed again: still each its own /64.
    for (let i = 0; i < 10_050; i++) {
      const prefix = `2405:201:${(0x100 + (i >> 8)).toString(16)}:${(0x100 + (i & 0xff)).toString(16)}`;
      expect(networkOf(`${prefix}::1`)).toBe(`${prefix}::/64`);
      expect(networksHeld()).toBeLessThanOrEqual(10_000);
    }
    expect(networkOf('2405:201:feed:1::42')).toBe('2405:201:feed:1::/64');
    const zoned = `fe80::1%${'z'.repeat(200)}`;
    const before = networksHeld();
    expect(networkOf(zoned)).toBe('fe80::/64');
    expect(networkOf(zoned)).toBe('fe80::/64');
    expect(networksHeld()).toBe(before);
    expect(detached(zoned)).toBe(zoned);
  });

  test('an IPv4 caller written as IPv6 is its IPv4 address, not a /64 every IPv4 caller would share', () => {
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7'); // a dual-stack socket's IPv4 caller
    expect(networkOf('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(networkOf('64:ff9b::203.0.113.7')).toBe('203.0.113.7'); // through a NAT64 gateway
    expect(networkOf('::ffff:203.0.113.8')).not.toBe(networkOf('::ffff:203.0.113.7'));
    // Other forms that carry an IPv4 address, where it is not in the last 32 bits or not alone: the whole address.
    expect(networkOf('64:ff9b:1:cb00:71:700::')).toBe('64:ff9b:1:cb00:71:700::');
    expect(networkOf('64:ff9b:1:cb00:71:800::')).not.toBe(networkOf('64:ff9b:1:cb00:71:700::'));
    expect(networkOf('::ffff:0:cb00:7107')).toBe('::ffff:0:cb00:7107');
  });

  test('anything else is left as it is', () => {
    expect(networkOf('unknown')).toBe('unknown');
  });
});
