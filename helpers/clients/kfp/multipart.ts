import { randomBytes } from 'node:crypto';

/**
 * A multipart/form-data body with one file part, built as bytes: the exact payload is known
 * before it is sent (its size is printed by the dry run) and nothing streams from disk mid-request.
 */
export interface MultipartBody {
  contentType: string;
  bytes: Buffer;
}

export function multipartBody(field: string, filename: string, content: Uint8Array, boundary?: string): MultipartBody {
  const mark = boundary ?? `kfp-e2e-${randomBytes(12).toString('hex')}`;
  // Quotes and line breaks would end the header early; KFP reads only the extension anyway.
  const safeName = filename.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${mark}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\n` +
      `Content-Type: ${contentTypeOf(safeName)}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${mark}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${mark}`, bytes: Buffer.concat([head, content, tail]) };
}

function contentTypeOf(filename: string): string {
  if (/\.ya?ml$/i.test(filename)) return 'application/x-yaml';
  if (/\.json$/i.test(filename)) return 'application/json';
  return 'application/octet-stream';
}
