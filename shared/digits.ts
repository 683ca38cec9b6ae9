// Digits as people type them on a phone's local keyboard: Bengali ০–৯ and Devanagari ०–९ are the same numbers as
// 0–9, and an AIN or a mobile number copied from a Bengali or Hindi text may be written in them.

/** Bengali and Devanagari digits read as 0–9; everything else is left as it is. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u09e6-\u09ef\u0966-\u096f]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code - (code >= 0x09e6 ? 0x09e6 : 0x0966));
  });
}
