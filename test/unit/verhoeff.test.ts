import { describe, expect, test } from 'vitest';
import { formatAin, makeAin, parseAin } from '../../shared/ain.ts';
import { verhoeffDigit, verhoeffValid } from '../../shared/verhoeff.ts';

// A deterministic spread of numbers, so a failure names a number that can be re-run.
function* samples(length: number, count: number, first = ''): Generator<string> {
  let x = 0x2545f491;
  for (let i = 0; i < count; i++) {
    let s = first;
    while (s.length < length) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      s += String(Math.abs(x) % 10);
    }
    yield s;
  }
}

function everySingleDigitChange(n: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n.length; i++) for (let d = 0; d <= 9; d++) if (String(d) !== n[i]) out.push(n.slice(0, i) + d + n.slice(i + 1));
  return out;
}

function everyAdjacentSwap(n: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n.length - 1; i++) if (n[i] !== n[i + 1]) out.push(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2));
  return out;
}

describe('Verhoeff check digit', () => {
  test('known values', () => {
    expect(verhoeffDigit('236')).toBe('3');
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffDigit('12345')).toBe('1');
  });

  test.each([
    ['AIN', 13, ''],
    ['Aadhaar', 11, '7']
  ])('every single-digit change and every adjacent swap of a valid %s is rejected', (_name, bodyLength, first) => {
    let checked = 0;
    for (const body of samples(bodyLength, 300, first)) {
      const valid = body + verhoeffDigit(body);
      expect(verhoeffValid(valid)).toBe(true);
      for (const typo of [...everySingleDigitChange(valid), ...everyAdjacentSwap(valid)]) {
        expect(verhoeffValid(typo), `${valid} → ${typo}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300 * 100);
  });
});

describe('AIN', () => {
  test('is year, district, block, serial and check digit; shown grouped; read back with spaces or dashes', () => {
    const ain = makeAin(2026, '11', '002', 1);
    expect(ain).toMatch(/^2611002000001\d$/);
    expect(formatAin(ain)).toBe(`26 11 002 000001 ${ain[13]}`);
    expect(parseAin(formatAin(ain))).toEqual({ ok: true, ain });
    expect(parseAin(ain.replace(/(\d{4})/g, '$1-'))).toEqual({ ok: true, ain });
    expect(parseAin(ain.slice(0, 13))).toEqual({ ok: false, reason: 'format' });
    expect(parseAin(ain.slice(0, 12) + ain[13] + ain[12]).ok).toBe(ain[12] === ain[13]);
    expect(parseAin('2611002000001x')).toEqual({ ok: false, reason: 'format' });
  });

  test('is read in Bengali and Devanagari digits too, as a Bengali or Hindi keyboard types it', () => {
    const ain = makeAin(2026, '11', '002', 1);
    const bengali = ain.replace(/\d/g, (d) => String.fromCharCode(0x09e6 + Number(d)));
    const devanagari = formatAin(ain).replace(/\d/g, (d) => String.fromCharCode(0x0966 + Number(d)));
    expect(parseAin(bengali)).toEqual({ ok: true, ain });
    expect(parseAin(devanagari)).toEqual({ ok: true, ain });
    expect(parseAin(bengali.slice(0, 13))).toEqual({ ok: false, reason: 'format' });
  });

  test('refuses parts that do not fit', () => {
    expect(() => makeAin(2026, '11', '002', 1_000_000)).toThrow();
    expect(() => makeAin(2026, '111', '002', 1)).toThrow();
  });
});
