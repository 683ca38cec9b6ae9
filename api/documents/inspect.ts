// What an upload really is, judged by its bytes, not its name or declared type: JPEG, PNG, WebP or PDF only.
// Images are re-encoded by sharp (libvips), which drops EXIF (a phone photo's GPS position and serial number) and
// proves the file decodes; a small JPEG preview is made for officers' queues.
import sharp from 'sharp';

export type Mime = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';
export type Inspection =
  | { ok: true; mime: Mime; bytes: Buffer; preview: Buffer | null }
  | { ok: false; reason: 'file_empty' | 'file_type' | 'file_damaged' };

export function sniff(bytes: Uint8Array): Mime | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

export async function inspectUpload(input: Uint8Array): Promise<Inspection> {
  if (input.byteLength === 0) return { ok: false, reason: 'file_empty' };
  const mime = sniff(input);
  if (!mime) return { ok: false, reason: 'file_type' };
  const bytes = Buffer.from(input);
  if (mime === 'application/pdf') {
    // A real PDF ends with an end-of-file marker; a truncated upload does not.
    return bytes.subarray(-1024).includes('%%EOF') ? { ok: true, mime, bytes, preview: null } : { ok: false, reason: 'file_damaged' };
  }
  try {
    // .rotate() applies the EXIF orientation before the EXIF is dropped, so portrait photos stay upright.
    const image = sharp(bytes, { limitInputPixels: 50_000_000 }).rotate();
    const cleaned =
      mime === 'image/jpeg'
        ? await image.jpeg({ quality: 88, mozjpeg: true }).toBuffer()
        : mime === 'image/png'
          ? await image.png({ compressionLevel: 9 }).toBuffer()
          : await image.webp({ quality: 88 }).toBuffer();
    const preview = await sharp(cleaned).resize({ width: 480, height: 480, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
    return { ok: true, mime, bytes: cleaned, preview };
  } catch {
    return { ok: false, reason: 'file_damaged' };
  }
}
