// The text drawn on a PDF made by pdf-lib, for assertions: inflates its content streams and decodes the hex
// strings it draws with Tj. Enough for our own receipts; not a general PDF reader.
import { inflateSync } from 'node:zlib';

export function pdfText(pdf: Uint8Array): string {
  const raw = Buffer.from(pdf).toString('latin1');
  const out: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content = m[1]!;
    try {
      content = inflateSync(Buffer.from(content, 'latin1')).toString('latin1');
    } catch {
      // not compressed
    }
    for (const s of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) out.push(Buffer.from(s[1]!, 'hex').toString('latin1'));
    for (const s of content.matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)) out.push(s[1]!);
  }
  return out.join('\n');
}
