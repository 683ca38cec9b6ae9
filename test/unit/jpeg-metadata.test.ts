// Location data never survives in a stored photo (issue 11 item 7): crafted JPEGs with EXIF GPS where a
// segment-by-segment reader that stops at the first scan would not look — between the scans of a progressive JPEG,
// in a second picture appended after the first one's end (a multi-picture JPEG, as phones write), in an MPF index.
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { inspectUpload, stripJpegMetadata } from '../../api/documents/inspect.ts';

const GPS = Buffer.from('GPS-22.7232N-88.4809E');

/** An APPn segment holding `payload` after an identifier, as cameras write them. */
function segment(marker: number, id: string, payload: Buffer = GPS): Buffer {
  const body = Buffer.concat([Buffer.from(id, 'latin1'), payload]);
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** The offsets of every start-of-scan marker, found by walking the segments and the scans' data. */
function scanOffsets(jpeg: Buffer): number[] {
  const found: number[] = [];
  for (let i = jpeg.indexOf(Buffer.from([0xff, 0xda])); i !== -1; i = jpeg.indexOf(Buffer.from([0xff, 0xda]), i + 2)) found.push(i);
  return found;
}

async function progressive(): Promise<Buffer> {
  // Noise, so the picture has detail and the progressive encoder writes several scans.
  const noise = Buffer.alloc(96 * 64 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  return sharp(noise, { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ progressive: true, quality: 90 }).toBuffer();
}

async function expectClean(crafted: Buffer) {
  expect(crafted.includes(GPS)).toBe(true); // the crafted file really carries it
  const stripped = stripJpegMetadata(crafted)?.bytes ?? null;
  expect(stripped).not.toBeNull();
  expect(stripped!.includes(GPS)).toBe(false);
  expect(stripped!.includes(Buffer.from('Exif'))).toBe(false);
  expect(stripped!.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true); // ends at the end of the image
  // Still the same picture, decodable to the last pixel.
  const { info } = await sharp(stripped!, { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([96, 64]);
  // And what an upload stores is clean too.
  const inspected = await inspectUpload(crafted);
  expect(inspected.ok).toBe(true);
  if (inspected.ok) expect(inspected.bytes.includes(GPS)).toBe(false);
  return stripped!;
}

describe('every metadata segment anywhere in a JPEG, and anything after it, is removed', () => {
  test('EXIF GPS placed between the scans of a progressive JPEG', async () => {
    const image = await progressive();
    const scans = scanOffsets(image);
    expect(scans.length).toBeGreaterThan(2);
    const at = scans[2]!;
    const crafted = Buffer.concat([image.subarray(0, at), segment(0xe1, 'Exif\0\0'), segment(0xfe, ''), segment(0xed, 'Photoshop 3.0\0'), image.subarray(at)]);
    const stripped = await expectClean(crafted);
    // Nothing of the picture was lost: every scan is still there.
    expect(scanOffsets(stripped).length).toBe(scans.length);
  });

  test('a second picture with its own EXIF appended after the first one ends (multi-picture JPEG), with its MPF index', async () => {
    const first = await progressive();
    const second = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'TestPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 43/1 12/1' } })
      .toBuffer();
    const withSecondGps = Buffer.concat([second.subarray(0, 2), segment(0xe1, 'Exif\0\0'), second.subarray(2)]);
    // The MPF index lives in an APP2 segment of the first picture, right after its start.
    const crafted = Buffer.concat([first.subarray(0, 2), segment(0xe2, 'MPF\0'), first.subarray(2), withSecondGps]);
    const stripped = await expectClean(crafted);
    expect(stripped.length).toBeLessThan(first.length + 1);
    expect(stripped.includes(Buffer.from('MPF\0'))).toBe(false);
    expect(stripped.includes(Buffer.from('TestPhone'))).toBe(false);
  });

  test('GPS hidden in a JFIF-looking APP0, an XMP APP1 and after a restart marker; the colour profile stays', async () => {
    const image = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#a33' } }).jpeg().withIccProfile('srgb').toBuffer();
    const at = scanOffsets(image)[0]!;
    const crafted = Buffer.concat([image.subarray(0, 2), segment(0xe0, 'JFXX\0'), segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0'), image.subarray(2, at), segment(0xe1, 'Exif\0\0'), image.subarray(at)]);
    const stripped = await expectClean(crafted);
    expect(stripped.includes(Buffer.from('ICC_PROFILE\0'))).toBe(true);
  });

  test('bytes after the end of the image are dropped; an image cut off before its end is refused', async () => {
    const image = await progressive();
    await expectClean(Buffer.concat([image, Buffer.from('trailing '), GPS]));
    expect(stripJpegMetadata(image.subarray(0, image.length - 2))).toBeNull();
    expect(stripJpegMetadata(image.subarray(0, Math.floor(image.length / 2)))).toBeNull();
  });

  test('a JPEG with nothing to remove comes back as a view of the upload, not a copy of it', async () => {
    const image = await progressive(); // sharp writes a JFIF header and no metadata, like the PWA's compression
    const kept = stripJpegMetadata(image)!.bytes;
    expect(kept.equals(image)).toBe(true);
    expect(kept.buffer).toBe(image.buffer);
    expect(kept.byteOffset).toBe(image.byteOffset);
    // Trailing bytes are still cut off, from the same memory.
    const trailed = Buffer.concat([image, Buffer.from('trailing')]);
    const cut = stripJpegMetadata(trailed)!.bytes;
    expect(cut.equals(image)).toBe(true);
    expect(cut.buffer).toBe(trailed.buffer);
    // Anything removed makes a new buffer, and the upload is left as it was.
    const withExif = Buffer.concat([image.subarray(0, 2), segment(0xe1, 'Exif\0\0'), image.subarray(2)]);
    const before = Buffer.from(withExif);
    expect(stripJpegMetadata(withExif)!.bytes.equals(image)).toBe(true);
    expect(withExif.equals(before)).toBe(true);
  });
});
