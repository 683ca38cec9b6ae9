import { describe, expect, test } from 'vitest';
import { formatIndianMobile, maskMobile, toE164IndianMobile } from '../../shared/mobile.ts';

describe('Indian mobile numbers', () => {
  test('the ways people write a mobile number all become E.164', () => {
    for (const input of ['9830012345', '98300 12345', '098300-12345', '+91 98300 12345', '+91-9830012345', '919830012345', '৯৮৩০০ ১২৩৪৫', '+९१ ९८३००१२३४५']) {
      expect(toE164IndianMobile(input), input).toBe('+919830012345');
    }
  });

  test('landlines, foreign numbers, short numbers and text are refused', () => {
    for (const input of ['03325551234', '+14155552671', '98300', '5830012345', 'nine eight three', '', '+91 98300 12345 67', '9830012345; drop table users']) {
      expect(toE164IndianMobile(input), input).toBeNull();
    }
  });

  test('numbers are shown grouped, and masked where the whole number must not appear', () => {
    expect(formatIndianMobile('+919830012345')).toBe('+91 98300 12345');
    expect(maskMobile('+919830012345')).toBe('+91******2345');
  });
});
