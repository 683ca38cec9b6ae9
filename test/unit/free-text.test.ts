import { describe, expect, test } from 'vitest';
import { freeText, hasControlCharacters, multilineText } from '../../shared/text.ts';

describe('the one rule for free text (shared/text.ts)', () => {
  test('every C0 control character but newline and tab is refused in several lines of text, and DEL', () => {
    for (let code = 0; code < 0x20; code++) {
      const text = `before${String.fromCharCode(code)}after`;
      expect(hasControlCharacters(text, { multiline: true }), `U+${code.toString(16)}`).toBe(code !== 0x0a && code !== 0x09 && code !== 0x0d);
      expect(hasControlCharacters(text), `U+${code.toString(16)}`).toBe(true);
    }
    expect(hasControlCharacters('a\u007fb', { multiline: true })).toBe(true);
    expect(hasControlCharacters('আবেদন ঠিক আছে — “ok”')).toBe(false);
  });

  test('remarks keep their lines; Windows and old Mac line ends become newlines', () => {
    expect(multilineText(5, 100, 'field.remarks').parse('  first line\r\nsecond\rthird\tcolumn ')).toBe('first line\nsecond\nthird\tcolumn');
  });

  test('the field is named with the control-character message, length with its own', () => {
    const name = freeText(2, 10, 'field.holiday_name');
    expect(name.safeParse('Eid\u0000').error?.issues.map((i) => i.message)).toEqual(['field.control_characters']);
    expect(name.safeParse('E').error?.issues.map((i) => i.message)).toEqual(['field.holiday_name']);
  });
});
