// Photos from a phone camera are 3–12 MB; village networks are slow. Each image is scaled so its long edge is about
// 1600 px (enough to read any certificate) and re-encoded as JPEG, aiming at ≤ 400 KB, before it is stored or sent.
const LONG_EDGE = 1600;
const TARGET_BYTES = 400 * 1024;

export async function compressImage(file: Blob): Promise<Blob> {
  const started = performance.now();
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, LONG_EDGE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.fillStyle = '#fff'; // transparent PNGs become white, not black, as JPEG
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  let blob: Blob | null = null;
  for (const quality of [0.82, 0.72, 0.6, 0.5]) {
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    if (blob.size <= TARGET_BYTES) break;
  }
  // Read by the benchmark (test/bench/browser.ts); costs nothing otherwise.
  performance.measure('compress-image', { start: started });
  return blob!;
}

/**
 * Takes the files chosen in a file input and hands each on as it is ready: photos compressed, PDFs as they are.
 * One at a time, so a phone holds one decoded camera photo in memory, not ten. The input is cleared first, so
 * choosing the same file again still fires a change.
 */
export async function compressChosen(input: HTMLInputElement, onEach: (blob: Blob, file: File) => void): Promise<void> {
  const files = [...(input.files ?? [])];
  input.value = '';
  for (const file of files) onEach(file.type === 'application/pdf' ? file : await compressImage(file), file);
}
