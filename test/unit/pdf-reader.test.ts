// The test suite's own PDF reader (test/support/pdf.ts) must not lose a page: a state MIS report's second page was
// once read as empty because its compressed stream happened to end in a carriage return.
import { deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { actualText } from '../support/pdf.js';

/** A content stream tagging `text` with ActualText, padded until its deflated form ends in the given byte. */
function streamEndingIn(byte: number, text: string): Buffer {
  const tag = Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase();
  // Deflate ends with Adler-32, whose last byte is the sum of the input's bytes (plus one) modulo 256: each '!' adds 33,
  // which is odd, so fewer than 256 of them reach every value.
  for (let pad = 0; pad < 256; pad++) {
    const deflated = deflateSync(`/Span << /ActualText <FEFF${tag}> >> BDC EMC % ${'!'.repeat(pad)}`);
    if (deflated.at(-1) === byte) return deflated;
  }
  throw new Error(`no padding ends the stream in ${byte}`);
}

function pdfOf(streams: Buffer[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  streams.forEach((data, i) => {
    parts.push(Buffer.from(`${i + 1} 0 obj\n<< /Filter /FlateDecode /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream\nendobj\n'));
  });
  return new Uint8Array(Buffer.concat(parts));
}

describe('actualText', () => {
  test('reads every page, including one whose compressed stream ends in a carriage return or a line feed', () => {
    const pdf = pdfOf([streamEndingIn(0x0d, 'Page one'), streamEndingIn(0x0a, 'Page two'), streamEndingIn(0x41, 'Page three')]);
    expect(actualText(pdf)).toBe('Page one Page two Page three');
  });
});
