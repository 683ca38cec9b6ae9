// A PNG upload (a screenshot, the signature drawn on the form) keeps its picture bytes and loses its metadata
// without being decoded and encoded again (api/documents/inspect.ts, stripPngMetadata). Re-encoding cost sharp
// 1.9 ms of CPU even for the 854-byte signature of the submission benchmark, and a large screenshot far more.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { inspectUpload, stripPngMetadata } from '../../api/documents/inspect.ts';

const GPS = 'GPS-22.7232N-88.4809E';

function chunk(type: string, data: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  const out = Buffer.alloc(12 + body.length - 4);
  out.writeUInt32BE(body.length - 4, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + body.length - 4);
  return out;
}

/** The PNG's chunks by type, in order. */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let i = 8; i + 12 <= png.length; i += 12 + png.readUInt32BE(i)) types.push(png.toString('latin1', i + 4, i + 8));
  return types;
}

/** `png` with `extra` chunks put in after IHDR (the first 33 bytes) and before IEND (the last 12). */
function craft(png: Buffer, afterHeader: Buffer[], beforeEnd: Buffer[] = [], afterEnd: Buffer[] = []): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...afterHeader, png.subarray(33, -12), ...beforeEnd, png.subarray(-12), ...afterEnd]);
}

async function pixels(png: Buffer): Promise<Buffer> {
  return sharp(png, { failOn: 'truncated' }).raw().toBuffer();
}

const picture = () =>
  sharp({ create: { width: 48, height: 32, channels: 4, background: { r: 200, g: 30, b: 90, alpha: 0.5 } } })
    .png()
    .withIccProfile('srgb')
    .toBuffer();

describe('PNG metadata is removed without re-encoding', () => {
  test('text, XMP, EXIF, time, private chunks and an animation go; the colour profile and the pixels stay', async () => {
    const image = await picture();
    const crafted = craft(
      image,
      [chunk('tEXt', `Comment\0${GPS}`), chunk('eXIf', `MM\0*${GPS}`), chunk('tIME', Buffer.from([7, 234, 12, 7, 6, 0, 0])), chunk('acTL', Buffer.alloc(8))],
      [chunk('iTXt', `XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>${GPS}</x:xmpmeta>`), chunk('prVt', GPS), chunk('zTXt', `Author\0\0${GPS}`)],
      [chunk('tEXt', `After\0${GPS}`)]
    );
    expect(crafted.includes(GPS)).toBe(true);
    expect(stripPngMetadata(crafted)).not.toBeNull();
    const stripped = stripPngMetadata(crafted)!.bytes;
    expect(stripped.includes(GPS)).toBe(false);
    expect(chunkTypes(stripped)).toEqual(chunkTypes(image)); // exactly what sharp wrote: IHDR, iCCP, …, IDAT, IEND
    expect(chunkTypes(image)).toContain('iCCP');
    expect(stripped.equals(image)).toBe(true);
    expect((await pixels(stripped)).equals(await pixels(image))).toBe(true);

    const inspected = await inspectUpload(crafted);
    expect(inspected).toMatchObject({ ok: true, mime: 'image/png' });
    if (inspected.ok) expect(inspected.bytes.equals(image)).toBe(true); // the same bytes, not a new encoding
  });

  test('a PNG with nothing to remove comes back as a view of the upload, not a copy', async () => {
    const image = await picture();
    const kept = stripPngMetadata(image)!.bytes;
    expect(kept.buffer).toBe(image.buffer);
    expect(kept.byteOffset).toBe(image.byteOffset);
    expect(kept.length).toBe(image.length);
  });

  test('cut off, damaged in transfer, or not a PNG a decoder would draw: refused as damaged', async () => {
    const image = await picture();
    const flipped = Buffer.from(image);
    flipped[image.length - 20]! ^= 0x01; // a bit of the image data: its chunk's CRC no longer matches
    const unknownCritical = craft(image, [chunk('QQQQ', 'x')]);
    const headerNotFirst = Buffer.concat([image.subarray(0, 8), chunk('tEXt', 'a\0b'), image.subarray(8)]);
    for (const broken of [image.subarray(0, image.length - 12), image.subarray(0, image.length - 1), flipped, unknownCritical, headerNotFirst]) {
      expect(stripPngMetadata(broken)).toBeNull();
      expect(await inspectUpload(broken)).toEqual({ ok: false, reason: 'file_damaged' });
    }
  });

  test('a PNG whose EXIF says it is rotated is turned upright, and its EXIF goes', async () => {
    const sideways = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#3a3' } })
      .png()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Make: 'TestPhone' } })
      .toBuffer();
    expect(sideways.includes(Buffer.from('TestPhone'))).toBe(true);
    const inspected = await inspectUpload(sideways);
    expect(inspected.ok).toBe(true);
    if (!inspected.ok) return;
    expect(inspected.bytes.includes(Buffer.from('TestPhone'))).toBe(false);
    const meta = await sharp(inspected.bytes).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([40, 80, 1]);
  });
});
