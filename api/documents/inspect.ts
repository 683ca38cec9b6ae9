// What an upload really is, judged by its bytes, not its name or declared type: JPEG, PNG, WebP or PDF only.
// Photos lose their EXIF (a phone photo's GPS position, camera serial, time).
//
// JPEG, nearly every upload (cameras, scanners, and the PWA's own compression), has its metadata segments removed
// without re-encoding and its structure checked (segments, then image data, then the end marker, everywhere in the
// stream; nothing after the end is kept): lossless, and far
// cheaper than decoding a 500 KB scan, which is what keeps submissions fast (DESIGN §10). A JPEG whose EXIF says
// "rotate me" is re-encoded upright instead, as are PNG and WebP, by sharp (libvips). Officers' previews, which need
// a full decode, are made when first asked for (makePreview).
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
 * The JPEG with only what it takes to draw it: every APPn and COM segment anywhere in the stream is removed (EXIF,
 * XMP, maker notes, comments, MPF's index of further pictures), also between the scans of a progressive JPEG, except
 * a JFIF header (APP0 "JFIF"), the colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14 "Adobe",
 * needed to decode CMYK scans); and nothing after the end-of-image marker is kept — a second, "multi-picture" image
 * appended there carries its own EXIF. Null if the structure is broken or the image has no end.
 *
 * When nothing is removed (the PWA's own compression writes no metadata, nor do most scanners) the answer is a view
 * of `jpeg`, not a second copy of the scan.
 */
export function stripJpegMetadata(jpeg: Buffer): Buffer | null {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
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
      return kept.length === 1 ? jpeg.subarray(kept[0]![0], kept[0]![1]) : Buffer.concat(kept.map(([start, end]) => jpeg.subarray(start, end)));
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
    if (keepSegment(marker, jpeg.subarray(i + 4, end))) keep(i, end);
    i = end;
    if (marker === 0xda) {
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

function keepSegment(marker: number, body: Buffer): boolean {
  const isApp = marker >= 0xe0 && marker <= 0xef;
  if (!isApp) return marker !== 0xfe; // COM goes; frame, tables, scans and the rest stay
  const id = body.toString('latin1', 0, 12);
  return (marker === 0xe0 && id.startsWith('JFIF\0')) || (marker === 0xe2 && id === 'ICC_PROFILE\0') || (marker === 0xee && id.startsWith('Adobe'));
}

export async function inspectUpload(input: Uint8Array): Promise<Inspection> {
  if (input.byteLength === 0) return { ok: false, reason: 'file_empty' };
  const mime = sniff(input);
  if (!mime) return { ok: false, reason: 'file_type' };
  // A view, not a copy: nothing here writes to the upload's bytes. A PDF, and a JPEG with nothing to strip, are stored
  // as these very bytes, which may be a view of a larger buffer the upload was read into; any other image anew.
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (mime === 'application/pdf') {
    // A real PDF ends with an end-of-file marker; a truncated upload does not.
    return bytes.subarray(-1024).includes('%%EOF') ? { ok: true, mime, bytes } : { ok: false, reason: 'file_damaged' };
  }
  try {
    const { orientation, width, height } = await sharp(bytes).metadata(); // reads the headers only
    if (!width || !height) return { ok: false, reason: 'file_damaged' };
    if (mime === 'image/jpeg' && (orientation ?? 1) === 1) {
      // A photo cut off in transfer lacks its end-of-image marker, and is refused.
      const stripped = stripJpegMetadata(bytes);
      return stripped ? { ok: true, mime, bytes: stripped } : { ok: false, reason: 'file_damaged' };
    }
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
