// An upload's multipart body, read by busboy straight from the Node request: one file and a few short fields.
//
// Why not Hono's parseBody: it turns the Node stream into a web stream, hands it to undici's multipart parser, which
// gathers the whole body and copies the file into a Blob, and then the Blob is copied again into a Buffer — three
// copies of a 500 KB scan, and the garbage they leave, for each of a submission's four scans. Profiled, that was the
// largest part of the server's CPU per submission after PostgreSQL's (README, Speed bars). busboy (mscdex; the
// parser under multer and @fastify/busboy) reads the parts as they arrive, enforces the limits while it reads, and
// the file's chunks are joined once.
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

export interface UploadForm {
  fields: Record<string, string>;
  /** The one file part, or null when the form had none. */
  file: { bytes: Buffer; filename: string } | null;
}

export type UploadFormError =
  /** The body (or the file in it) is larger than allowed: 413, and the connection is closed, unread. */
  | 'too_large'
  /** Not a readable multipart body: a broken boundary, a cut-off part, more than one file, too many fields. */
  | 'malformed';

export class UploadFormRejected extends Error {
  /** `field`: the form field at fault, when it is one (a value too long); otherwise the file or the form itself. */
  constructor(
    readonly reason: UploadFormError,
    readonly field?: string
  ) {
    super(`upload form: ${reason}${field ? ` (${field})` : ''}`);
  }
}

export interface UploadLimits {
  fileBytes: number;
  /** The whole body: the file and the fields around it. */
  bodyBytes: number;
}

/**
 * Reads the body of a `multipart/form-data` request. `source` is the Node request when served over HTTP (what
 * @hono/node-server hands the app as `c.env.incoming`), or the web body under `app.request()` in tests.
 */
export async function readUploadForm(
  source: { incoming: IncomingMessage } | { body: ReadableStream<Uint8Array> | null },
  headers: { contentType: string; contentLength: string | undefined },
  limits: UploadLimits
): Promise<UploadForm> {
  // A declared length over the limit is refused before a byte is read.
  if (headers.contentLength !== undefined && Number(headers.contentLength) > limits.bodyBytes) throw new UploadFormRejected('too_large');
  const stream: Readable = 'incoming' in source ? source.incoming : source.body ? Readable.fromWeb(source.body as import('node:stream/web').ReadableStream) : Readable.from([]);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': headers.contentType },
      // One file per request (DESIGN §7); the fields are `kind` and `proof`, a few bytes each.
      // busboy stops a file when it reaches fileSize, so one byte more lets a file of exactly the limit through.
      limits: { files: 1, fileSize: limits.fileBytes + 1, fields: 8, fieldSize: 1024, parts: 10, headerPairs: 20 }
    });
  } catch {
    throw new UploadFormRejected('malformed'); // no boundary, or not multipart at all
  }

  return new Promise<UploadForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: UploadForm['file'] = null;
    let received = 0;
    let settled = false;
    const fail = (reason: UploadFormError, field?: string) => {
      if (settled) return;
      settled = true;
      stream.unpipe(parser);
      // The rest of the body is read and thrown away, not parsed or kept; a 413 also closes the connection, so a
      // client sending gigabytes is cut off once it has its answer.
      stream.resume();
      reject(new UploadFormRejected(reason, field));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.bodyBytes) fail('too_large'); // a chunked body, or a Content-Length that lied
    };

    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) return fail('malformed', name);
      fields[name] = value;
    });
    parser.on('file', (name, part, info) => {
      if (name !== 'file' || file) {
        part.resume();
        return fail('malformed');
      }
      const chunks: Buffer[] = [];
      part.on('data', (chunk: Buffer) => chunks.push(chunk));
      part.on('limit', () => fail('too_large'));
      // A body that ends inside the file (a cut connection, a missing closing boundary) errs here as well as on the parser.
      part.on('error', () => fail('malformed'));
      part.on('end', () => {
        if (!settled) file = { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), filename: info.filename ?? '' };
      });
    });
    for (const event of ['filesLimit', 'fieldsLimit', 'partsLimit'] as const) parser.on(event, () => fail('malformed'));
    parser.on('error', () => fail('malformed'));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      resolve({ fields, file });
    });
    stream.on('data', onData);
    stream.on('error', () => fail('malformed'));
    stream.pipe(parser);
  });
}
