// What an upload really is, judged by its bytes, not its name or declared type: JPEG, PNG, WebP or PDF only.
// Photos lose their EXIF (a phone photo's GPS position, camera serial, time).
//
// JPEG, nearly every upload (cameras, scanners, and the PWA's own compression), has its metadata segments removed
// without re-encoding and its structure checked (segments, then image data, then the end marker, everywhere in the
// stream; nothing after the end is kept): lossless, and far
// cheaper than decoding a 500 KB scan, which is what keeps submissions fast (DESIGN §10). PNG (screenshots, the
// signature drawn on the form) likewise keeps only the chunks that draw it, each checked against its CRC. An image
// whose EXIF says "rotate me" is re-encoded upright instead, as is WebP, by sharp (libvips). Officers' previews, which
// need a full decode, are made when first asked for (makePreview).
import { crc32, inflateSync } from 'node:zlib';
import sharp from 'sharp';

export type Mime = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';
export type Inspection =
  | { ok: true; mime: Mime; bytes: Buffer }
  | { ok: false; reason: 'file_empty' | 'file_type' | 'file_damaged' };

export function sniff(bytes: Uint8Array): Mime | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

/**
 * What walking an image's structure found: the image with only what it takes to draw it, its size as its header
 * gives it, and whether it carried EXIF, the one place that can say "turn me" (EXIF's Orientation; libvips reads it
 * from nowhere else). The size is 0 × 0 unless the walk can vouch that libvips would open the image as its header
 * read did before (`metadata()`, which every upload went through until 7 Dec 2026): one frame of a kind every
 * decoder takes, image data present, within libjpeg's and sharp's limits. Anything else is left to libvips to judge.
 */
export interface Stripped {
  bytes: Buffer;
  width: number;
  height: number;
  exif: boolean;
}

/**
 * The JPEG with only what it takes to draw it: every APPn and COM segment anywhere in the stream is removed (EXIF,
 * XMP, maker notes, comments, MPF's index of further pictures), also between the scans of a progressive JPEG, except
 * a JFIF header (APP0 "JFIF"), the colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14 "Adobe",
 * needed to decode CMYK scans); and nothing after the end-of-image marker is kept — a second, "multi-picture" image
 * appended there carries its own EXIF. Null if the structure is broken or the image has no end.
 *
 * When nothing is removed (the PWA's own compression writes no metadata, nor do most scanners) the answer is a view
 * of `jpeg`, not a second copy of the scan.
 */
export function stripJpegMetadata(jpeg: Buffer): Stripped | null {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  let size: [number, number] = [0, 0];
  let frames = 0;
  let scanned = false;
  let exif = false;
  // The byte ranges kept, in order; a range that continues the previous one extends it.
  const kept: [number, number][] = [];
  const keep = (start: number, end: number) => {
    const last = kept[kept.length - 1];
    if (last && last[1] === start) last[1] = end;
    else kept.push([start, end]);
  };
  keep(0, 2);
  let i = 2;
  while (i + 1 < jpeg.length) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      keep(i, i + 2); // end of image: whatever follows is dropped
      const bytes = kept.length === 1 ? jpeg.subarray(kept[0]![0], kept[0]![1]) : Buffer.concat(kept.map(([start, end]) => jpeg.subarray(start, end)));
      const [width, height] = frames === 1 && scanned ? size : [0, 0];
      return { bytes, width, height, exif };
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      keep(i, i + 2); // markers without a length
      i += 2;
      continue;
    }
    if (i + 4 > jpeg.length) return null;
    const length = jpeg.readUInt16BE(i + 2);
    const end = i + 2 + length;
    if (length < 2 || end > jpeg.length) return null;
    const body = jpeg.subarray(i + 4, end);
    if (keepSegment(marker, body)) keep(i, end);
    else if (marker === 0xe1 && body.toString('latin1', 0, 5) === 'Exif\0') exif = true;
    if (isFrameHeader(marker)) {
      frames += 1;
      size = frameSize(marker, body);
    }
    i = end;
    if (marker === 0xda) {
      scanned = frames > 0;
      // A scan's compressed data runs to the next marker; 0xFF 0x00 (a stuffed byte) and the restart markers
      // belong to it. A progressive JPEG has several scans, with tables — and possibly metadata — between them.
      let j = i;
      for (;;) {
        j = jpeg.indexOf(0xff, j);
        if (j === -1 || j + 1 >= jpeg.length) return null; // cut off inside the image data
        const next = jpeg[j + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) j += 2;
        else if (next === 0xff) j += 1;
        else break;
      }
      keep(i, j);
      i = j;
    }
  }
  return null;
}

/** SOF0–SOF15, the frame header: all but DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** sharp's default `limitInputPixels`, which its `metadata()` enforced on every upload. */
const maxPixels = 0x3fff * 0x3fff;

/**
 * Width and height from a frame header's body (ITU-T T.81 B.2.2: precision, lines, samples per line, components,
 * three bytes each), or zeros unless it is a Huffman-coded frame (baseline, extended or progressive: SOF0–SOF2, what
 * cameras, scanners and browsers write) of 8 or 12 bits and 1–4 components, within libjpeg's 65,500 a side and
 * sharp's pixel limit. Zeros leave the image to libvips.
 */
function frameSize(marker: number, body: Buffer): [number, number] {
  if (marker > 0xc2 || body.length < 6) return [0, 0];
  const [precision, components] = [body[0]!, body[5]!];
  const [height, width] = [body.readUInt16BE(1), body.readUInt16BE(3)];
  const sound =
    (precision === 8 || precision === 12) && components >= 1 && components <= 4 && body.length === 6 + 3 * components && width <= 65_500 && height <= 65_500 && width * height <= maxPixels;
  return sound ? [width, height] : [0, 0];
}

function keepSegment(marker: number, body: Buffer): boolean {
  const isApp = marker >= 0xe0 && marker <= 0xef;
  if (!isApp) return marker !== 0xfe; // COM goes; frame, tables, scans and the rest stay
  const id = body.toString('latin1', 0, 12);
  return (marker === 0xe0 && id.startsWith('JFIF\0')) || (marker === 0xe2 && id === 'ICC_PROFILE\0') || (marker === 0xee && id.startsWith('Adobe'));
}

/**
 * PNG chunks kept (W3C PNG, 3rd edition, 2025): the critical ones, and the ancillary ones that change how the pixels
 * look (transparency, colour space and profile, HDR mastering and light levels, significant bits, background, pixel
 * size). Everything else goes: text (tEXt, zTXt, iTXt: XMP and comments), eXIf, tIME, private chunks (an editor's
 * or a phone's, content credentials), and an animated PNG's further frames (acTL, fcTL, fdAT), as a JPEG's appended
 * second picture goes; its first picture is the PNG's own image.
 */
const pngKept = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'cICP', 'mDCV', 'cLLI', 'bKGD', 'pHYs']);
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The PNG with only the chunks in `pngKept`, and nothing after IEND. Null if the structure is broken: not IHDR first,
 * a chunk running past the end, a chunk whose CRC does not match (damaged in transfer), a critical chunk no decoder
 * knows, or no IEND (cut off in transfer). As stripJpegMetadata, a view of `png` when nothing is removed.
 */
export function stripPngMetadata(png: Buffer): Stripped | null {
  if (png.length < 8 + 25 || !png.subarray(0, 8).equals(pngSignature)) return null;
  const kept: [number, number][] = [[0, 8]];
  const data: Buffer[] = []; // the IDAT chunks' contents, which must come one after another
  let dataEnded = false;
  let palette = false;
  let exif = false;
  for (let i = 8; i + 12 <= png.length; ) {
    const length = png.readUInt32BE(i);
    const end = i + 12 + length;
    if (length > 0x7fffffff || end > png.length) return null;
    const type = png.toString('latin1', i + 4, i + 8);
    if (i === 8 ? type !== 'IHDR' || length !== 13 : type === 'IHDR') return null;
    if (crc32(png.subarray(i + 4, i + 8 + length)) !== png.readUInt32BE(i + 8 + length)) return null;
    const critical = (png[i + 4]! & 0x20) === 0; // upper-case first letter
    if (critical && !pngKept.has(type)) return null;
    if (pngKept.has(type)) {
      const last = kept[kept.length - 1]!;
      if (last[1] === i) last[1] = end;
      else kept.push([i, end]);
    }
    if (type === 'eXIf') exif = true;
    if (type === 'PLTE') palette = true;
    if (type === 'IDAT') {
      if (dataEnded) return null; // PNG §5.6: consecutive
      data.push(png.subarray(i + 8, i + 8 + length));
    } else if (data.length) dataEnded = true;
    if (type === 'IEND') {
      const bytes = kept.length === 1 ? png.subarray(0, end) : Buffer.concat(kept.map(([start, stop]) => png.subarray(start, stop)));
      return { bytes, ...pngSize(png.subarray(16, 29), palette, data), exif };
    }
    i = end;
  }
  return null;
}

/** Each colour type's valid bit depths and its samples a pixel (PNG §11.2.1, Table 11.1). */
const pngColours: Record<number, { depths: number[]; samples: number }> = {
  0: { depths: [1, 2, 4, 8, 16], samples: 1 },
  2: { depths: [8, 16], samples: 3 },
  3: { depths: [1, 2, 4, 8], samples: 1 },
  4: { depths: [8, 16], samples: 2 },
  6: { depths: [8, 16], samples: 4 }
};

/**
 * Width and height from IHDR (PNG §11.2.1), or zeros unless: depth and colour type are a valid pair, compression and
 * filter method 0, not interlaced, a palette image has its PLTE, the size is within sharp's pixel limit, and the image
 * data inflates to exactly the bytes its rows need (a filter byte and the row's samples, for each row). The CRCs
 * catch damage in transfer, not a crafted file; inflating is what libvips would have found wrong first, and costs far
 * less than the decode and re-encode it replaces. Zeros leave the image to libvips.
 */
function pngSize(ihdr: Buffer, palette: boolean, data: Buffer[]): { width: number; height: number } {
  const [width, height] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)];
  const [depth, colour, compression, filter, interlace] = [ihdr[8]!, ihdr[9]!, ihdr[10]!, ihdr[11]!, ihdr[12]!];
  const kind = pngColours[colour];
  const none = { width: 0, height: 0 };
  if (!kind?.depths.includes(depth) || compression !== 0 || filter !== 0 || interlace !== 0 || (colour === 3 && !palette)) return none;
  if (!width || !height || width * height > maxPixels || !data.length) return none;
  const rows = height * (1 + Math.ceil((width * kind.samples * depth) / 8));
  try {
    return inflateSync(data.length === 1 ? data[0]! : Buffer.concat(data), { maxOutputLength: rows + 1 }).length === rows ? { width, height } : none;
  } catch {
    return none; // not zlib, cut short, or more than the rows hold
  }
}

export async function inspectUpload(input: Uint8Array): Promise<Inspection> {
  if (input.byteLength === 0) return { ok: false, reason: 'file_empty' };
  const mime = sniff(input);
  if (!mime) return { ok: false, reason: 'file_type' };
  // A view, not a copy: nothing here writes to the upload's bytes. A PDF, and a JPEG or PNG with nothing to strip, are
  // stored as these very bytes, which may be a view of a larger buffer the upload was read into; any other image anew.
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (mime === 'application/pdf') {
    // A real PDF ends with an end-of-file marker; a truncated upload does not.
    return bytes.subarray(-1024).includes('%%EOF') ? { ok: true, mime, bytes } : { ok: false, reason: 'file_damaged' };
  }
  const walked = mime === 'image/jpeg' ? stripJpegMetadata(bytes) : mime === 'image/png' ? stripPngMetadata(bytes) : null;
  // A photo cut off in transfer lacks its end-of-image marker (or IEND), and is refused.
  if (mime !== 'image/webp' && !walked) return { ok: false, reason: 'file_damaged' };
  // Without EXIF nothing can ask for it to be turned, and the walk has read its size: libvips need not open it. Its
  // JavaScript side alone cost more than the walk (a sharp instance carries some 150 options), and its header read
  // another trip through libuv's threads, for each of a submission's scans (README, Speed bars, 7 Dec 2026).
  if (walked && !walked.exif && walked.width && walked.height) return { ok: true, mime, bytes: walked.bytes };
  try {
    const { orientation, width, height } = await sharp(bytes).metadata(); // reads the headers only
    if (!width || !height) return { ok: false, reason: 'file_damaged' };
    // Upright, a JPEG is kept as the walk left it, as always; a PNG only if the walk vouched for its image data, else
    // it is decoded and encoded again, which refuses data no decoder can read.
    if (walked && (orientation ?? 1) === 1 && (mime === 'image/jpeg' || walked.width)) return { ok: true, mime, bytes: walked.bytes };
    return { ok: true, mime, bytes: await reencodeUpright(bytes, mime) };
  } catch {
    return { ok: false, reason: 'file_damaged' };
  }
}

/** A small JPEG for officers' screens; decoding the whole image also shows whether it is intact. */
export async function makePreview(image: Buffer): Promise<Buffer | null> {
  try {
    return await sharp(image, { failOn: 'truncated', limitInputPixels: 50_000_000 })
      .resize({ width: 480, height: 480, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 70 })
      .toBuffer();
  } catch {
    return null;
  }
}

/** Re-encoded by libvips, which writes no metadata; .rotate() first applies the EXIF orientation. */
function reencodeUpright(bytes: Buffer, mime: Exclude<Mime, 'application/pdf'>): Promise<Buffer> {
  const image = sharp(bytes, { failOn: 'truncated', limitInputPixels: 50_000_000 }).rotate();
  if (mime === 'image/jpeg') return image.jpeg({ quality: 88 }).toBuffer();
  if (mime === 'image/png') return image.png({ compressionLevel: 6 }).toBuffer();
  return image.webp({ quality: 88 }).toBuffer();
}
