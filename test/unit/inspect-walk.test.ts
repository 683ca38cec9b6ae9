// An upload's JPEG or PNG is judged by walking its structure (api/documents/inspect.ts); libvips opens it only when
// it carries EXIF, which may ask for it to be turned, or when its header gives no size the walk can trust. The walk
// must read the same size libvips reads, and an image it passes must be one libvips passes too.
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
    ['16-bit PNG', () => base().toColourspace('rgb16').png().toBuffer()],
    ['interlaced PNG', () => base().png({ progressive: true }).toBuffer()]
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

  test('EXIF is noticed in a JPEG and a PNG, and then libvips reads its orientation', async () => {
    for (const image of [await base().jpeg().withExif({ IFD0: { Make: 'TestPhone' } }).toBuffer(), await base().png().withExif({ IFD0: { Make: 'TestPhone' } }).toBuffer()]) {
      const walked = image[0] === 0xff ? stripJpegMetadata(image) : stripPngMetadata(image);
      expect(walked?.exif).toBe(true);
      opened.count = 0;
      const inspected = await inspectUpload(image);
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
    const badDepth = Buffer.from(png);
    badDepth[8 + 8 + 8] = 3; // bit depth 3 exists for no colour type; IHDR's CRC is then wrong as well
    expect(stripPngMetadata(badDepth)).toBeNull();
    expect(await inspectUpload(badDepth)).toEqual({ ok: false, reason: 'file_damaged' });
  });
});
