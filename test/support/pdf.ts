// Reading back the PDFs the server makes, for assertions: their content streams, the text they draw, and the QR
// code they carry. Enough for our own receipts and certificates; not a general PDF reader.
import jsQR from 'jsqr';
import { inflateSync } from 'node:zlib';

/**
 * Every stream of the file, inflated when it is compressed. Each is cut by its dictionary's /Length: a delimiter
 * regex alone would take a compressed stream's last byte for the line break when that byte is a carriage return
 * (one stream in 256), and the truncated stream would not inflate.
 */
export function contentStreams(pdf: Uint8Array): string[] {
  const bytes = Buffer.from(pdf);
  const raw = bytes.toString('latin1');
  const out: string[] = [];
  for (const m of raw.matchAll(/>>\s*stream\r?\n/g)) {
    const start = m.index + m[0].length;
    // The stream's own dictionary opens after the previous object's end; its last direct /Length is the stream's.
    const dict = raw.slice(raw.lastIndexOf(' obj', m.index), m.index);
    const lengths = [...dict.matchAll(/\/Length\s+(\d+)\b(?!\s+\d+\s+R)/g)];
    const end = lengths.length ? start + Number(lengths.at(-1)![1]) : raw.indexOf('endstream', start);
    const data = bytes.subarray(start, end);
    try {
      out.push(inflateSync(data).toString('latin1'));
    } catch {
      out.push(data.toString('latin1')); // not compressed
    }
  }
  return out;
}

/** The strings drawn with Tj in the standard fonts (the receipt): hex and literal strings, as Latin-1. */
export function pdfText(pdf: Uint8Array): string {
  const out: string[] = [];
  for (const content of contentStreams(pdf)) {
    for (const s of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) out.push(Buffer.from(s[1]!, 'hex').toString('latin1'));
    for (const s of content.matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)) out.push(s[1]!);
  }
  return out.join('\n');
}

/**
 * The text as copy and search see it on the certificate. Its renderer draws glyph ids (which pdfText cannot read)
 * and tags every run with ActualText in UTF-16BE; this reads those tags back.
 */
export function actualText(pdf: Uint8Array): string {
  return contentStreams(pdf)
    .flatMap((content) => [...content.matchAll(/\/ActualText <FEFF([0-9A-Fa-f]*)>/g)])
    .map((m) => Buffer.from(m[1]!, 'hex').swap16().toString('utf16le'))
    .join(' ');
}

/** The text of the QR code drawn on a pdf-lib PDF: its image XObjects are deflated grey or RGB pixels. */
export function qrTextOf(pdf: Uint8Array): string | null {
  const bytes = Buffer.from(pdf);
  const raw = bytes.toString('latin1');
  for (const m of raw.matchAll(/<<([^]*?)>>\s*stream\r?\n/g)) {
    const dict = m[1]!;
    if (!/\/Subtype\s*\/Image/.test(dict)) continue;
    const width = Number(/\/Width\s+(\d+)/.exec(dict)?.[1]);
    const height = Number(/\/Height\s+(\d+)/.exec(dict)?.[1]);
    const length = Number(/\/Length\s+(\d+)/.exec(dict)?.[1]);
    const start = m.index + m[0].length;
    let pixels: Buffer;
    try {
      pixels = inflateSync(bytes.subarray(start, start + length));
    } catch {
      continue;
    }
    const channels = pixels.length / (width * height);
    if (channels !== 1 && channels !== 3) continue;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = pixels[i * channels + (channels === 3 ? c : 0)]!;
      rgba[i * 4 + 3] = 255;
    }
    const code = jsQR(rgba, width, height);
    if (code) return code.data;
  }
  return null;
}
