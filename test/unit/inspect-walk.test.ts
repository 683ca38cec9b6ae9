// An upload's JPEG or PNG is judged by walking its structure (api/documents/inspect.ts); libvips opens it only when
// it carries EXIF, which may ask for it to be turned, or when its header gives no size the walk can trust. The walk
// must read the same size libvips reads, and an image it passes must be one libvips passes too.
import { crc32 } from 'node:zlib';
import realSharp from 'sharp';
import { beforeEach, describe, expect, test, vi } from 'vitest';

// Every sharp() the module under test makes is counted; the test's own images are made with the real one.
const opened = vi.hoisted(() => ({ count: 0 }));
vi.mock('sharp', async (importOriginal) => {
  const actual = (await importOriginal<{ default: typeof realSharp }>()).default;
  const counted = (...args: Parameters<typeof realSharp>) => {
    opened.count += 1;
    return actual(...args);
  };
  return { default: counted };
});
const { inspectUpload, stripJpegMetadata, stripPngMetadata } = await import('../../api/documents/inspect.ts');
const { default: sharp } = await vi.importActual<{ default: typeof realSharp }>('sharp');

beforeEach(() => {
  opened.count = 0;
});

const base = () => sharp({ create: { width: 123, height: 45, channels: 3, background: '#5a7' } });

describe('the walk reads what libvips reads', () => {
  test.each([
    ['baseline JPEG', () => base().jpeg().toBuffer()],
    ['progressive JPEG', () => base().jpeg({ progressive: true }).toBuffer()],
    ['grey JPEG', () => base().greyscale().jpeg().toBuffer()],
    ['CMYK JPEG', () => base().toColourspace('cmyk').jpeg().toBuffer()],
    ['RGB PNG', () => base().png().toBuffer()],
    ['palette PNG', () => base().png({ palette: true }).toBuffer()],
    ['16-bit PNG', () => base().toColourspace('rgb16').png().toBuffer()]
  ])('%s: the same size, no EXIF, and libvips is not opened to accept it', async (_, make) => {
    const image = await make();
    const meta = await sharp(image).metadata();
    const walked = meta.format === 'jpeg' ? stripJpegMetadata(image) : stripPngMetadata(image);
    expect(walked).toMatchObject({ width: meta.width, height: meta.height, exif: false });
    opened.count = 0;
    const inspected = await inspectUpload(image);
    expect(inspected.ok && inspected.bytes.equals(image)).toBe(true);
    expect(opened.count).toBe(0);
  });

  test('an interlaced PNG, whose rows the walk does not count, is decoded and encoded again by libvips', async () => {
    const image = await base().png({ progressive: true }).toBuffer();
    expect(stripPngMetadata(image)).toMatchObject({ width: 0, height: 0, exif: false });
    const inspected = await inspectUpload(image);
    expect(inspected.ok).toBe(true);
    expect(opened.count).toBe(2); // its header, then the re-encoding
    if (inspected.ok) expect((await sharp(inspected.bytes).metadata()).width).toBe(123);
  });

  test('EXIF is noticed in a JPEG and a PNG, and then libvips reads its orientation', async () => {
    for (const image of [await base().jpeg().withExif({ IFD0: { Make: 'TestPhone' } }).toBuffer(), await base().png().withExif({ IFD0: { Make: 'TestPhone' } }).toBuffer()]) {
      const walked = image[0] === 0xff ? stripJpegMetadata(image) : stripPngMetadata(image);
      expect(walked?.exif).toBe(true);
      opened.count = 0;
      const inspected = await inspectUpload(image);
      expect(inspected.ok).toBe(true);
      expect(inspected.ok && inspected.bytes.includes(Buffer.from('TestPhone'))).toBe(false);
      expect(opened.count).toBe(1); // orientation 1: stripped, not re-encoded
    }
  });

  test('a frame header no decoder takes gives no size: libvips is asked, and refuses it as damaged', async () => {
    const image = await base().jpeg().toBuffer();
    const sof = image.indexOf(Buffer.from([0xff, 0xc0]));
    const broken = Buffer.from(image);
    broken[sof + 4 + 5] = 0; // no components
    expect(stripJpegMetadata(broken)).toMatchObject({ width: 0, height: 0 });
    expect(await inspectUpload(broken)).toEqual({ ok: false, reason: 'file_damaged' });
    expect(opened.count).toBe(1);

    const png = await base().png().toBuffer();
    const badDepth = withChunkCrcs(png, (b) => (b[8 + 8 + 8] = 3)); // bit depth 3 exists for no colour type
    expect(stripPngMetadata(badDepth)).toMatchObject({ width: 0, height: 0 });
    expect(await inspectUpload(badDepth)).toEqual({ ok: false, reason: 'file_damaged' });
  });
});

/** `png` changed by `edit`, every chunk's CRC then made right again: a crafted file, not one damaged in transfer. */
function withChunkCrcs(png: Buffer, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(png);
  edit(b);
  for (let i = 8; i + 12 <= b.length; i += 12 + b.readUInt32BE(i)) {
    const length = b.readUInt32BE(i);
    b.writeUInt32BE(crc32(b.subarray(i + 4, i + 8 + length)), i + 8 + length);
  }
  return b;
}

/** The PNG's chunks, each as [type, whole chunk]. */
function chunksOf(png: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (let i = 8; i + 12 <= png.length; i += 12 + png.readUInt32BE(i)) out.push([png.toString('latin1', i + 4, i + 8), png.subarray(i, i + 12 + png.readUInt32BE(i))]);
  return out;
}

describe('crafted images the walk cannot vouch for go to libvips, which refuses them as before', () => {
  const damaged = { ok: false, reason: 'file_damaged' };

  test('JPEG: no image data, two frames, a hierarchical frame, a size past libjpeg', async () => {
    const image = await base().jpeg().toBuffer();
    const sof = image.indexOf(Buffer.from([0xff, 0xc0]));
    const sos = image.indexOf(Buffer.from([0xff, 0xda]));
    const frame = image.subarray(sof, sof + 2 + image.readUInt16BE(sof + 2));
    const cases = {
      'no scan': Buffer.concat([image.subarray(0, sos), Buffer.from([0xff, 0xd9])]),
      'two frames': Buffer.concat([image.subarray(0, sof), frame, image.subarray(sof)]),
      'SOF5 (hierarchical)': Buffer.concat([image.subarray(0, sof + 1), Buffer.from([0xc5]), image.subarray(sof + 2)]),
      '65535 × 65535': (() => {
        const b = Buffer.from(image);
        b.writeUInt16BE(65535, sof + 5);
        b.writeUInt16BE(65535, sof + 7);
        return b;
      })()
    };
    for (const [what, crafted] of Object.entries(cases)) {
      expect(stripJpegMetadata(crafted), what).toMatchObject({ width: 0, height: 0 });
      expect(await inspectUpload(crafted), what).toEqual(damaged);
    }
  });

  test('PNG: no image data, a palette image without its palette, a width past any limit, image data that is not zlib', async () => {
    const image = await base().png().toBuffer();
    const paletted = await base().png({ palette: true }).toBuffer();
    const without = (png: Buffer, type: string) => Buffer.concat([png.subarray(0, 8), ...chunksOf(png).filter(([t]) => t !== type).map(([, c]) => c)]);
    const idat = chunksOf(image).find(([t]) => t === 'IDAT')![1];
    const cases = {
      'no IDAT': without(image, 'IDAT'),
      'no PLTE': without(paletted, 'PLTE'),
      'width 2^32 - 1': withChunkCrcs(image, (b) => b.writeUInt32BE(0xffffffff, 16)),
      'IDAT not zlib': withChunkCrcs(image, (b) => b.fill(0x55, b.indexOf(idat) + 8, b.indexOf(idat) + 8 + idat.readUInt32BE(0)))
    };
    for (const [what, crafted] of Object.entries(cases)) {
      expect(stripPngMetadata(crafted), what).toMatchObject({ width: 0, height: 0 });
      expect(await inspectUpload(crafted), what).toEqual(damaged);
    }
  });
});
