/**
 * A small multipart/form-data reader (RFC 7578) for the upload endpoints: the whole body is in
 * memory already (its size is capped before), so this only has to find the parts. Each part
 * gets its name, its filename if it is a file (as Go's r.FormFile needs one), its content type,
 * and its bytes. Malformed input throws MultipartError with what was wrong.
 */

export interface FormPart {
  name: string;
  /** Set for file parts; Go's FormFile ignores parts without a filename. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

const MAX_PARTS = 100;
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = splitParams(contentType);
  if (type?.toLowerCase() !== 'multipart/form-data') return undefined;
  const boundary = params.find(([key]) => key === 'boundary')?.[1];
  return boundary && boundary.length <= 70 ? boundary : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  // The first delimiter starts the body or follows a preamble line.
  if (position < 0 || (position > 0 && !body.subarray(position - 2, position).equals(CRLF))) {
    throw new MultipartError('no opening boundary line');
  }
  const parts: FormPart[] = [];
  for (;;) {
    let cursor = position + delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString() === '--') return parts;
    while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor++; // transport padding
    if (!body.subarray(cursor, cursor + 2).equals(CRLF)) throw new MultipartError('boundary line not ended by CRLF');
    cursor += 2;
    const headerEnd = body.indexOf(HEADER_END, cursor);
    // A part without headers starts with the blank line at once.
    const emptyHeaders = body.subarray(cursor, cursor + 2).equals(CRLF);
    if (!emptyHeaders && (headerEnd < 0 || headerEnd - cursor > MAX_HEADER_BYTES)) {
      throw new MultipartError('part headers not terminated by an empty line');
    }
    const headers = emptyHeaders ? new Map<string, string>() : parseHeaders(body.toString('utf8', cursor, headerEnd));
    const dataStart = emptyHeaders ? cursor + 2 : headerEnd + 4;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
    if (next < 0) throw new MultipartError('body ends inside a part (no closing boundary)');
    if (parts.length >= MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} parts`);
    parts.push(toPart(headers, body.subarray(dataStart, next)));
    position = next + 2;
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed part header line ${JSON.stringify(line.slice(0, 80))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function toPart(headers: Map<string, string>, data: Buffer): FormPart {
  const disposition = headers.get('content-disposition');
  if (!disposition) throw new MultipartError('part without Content-Disposition');
  const [kind, ...params] = splitParams(disposition);
  if (kind?.toLowerCase() !== 'form-data') throw new MultipartError(`part disposition is ${kind}, not form-data`);
  const param = (key: string) => params.find(([k]) => k === key)?.[1];
  const name = param('name');
  if (name === undefined) throw new MultipartError('part without a name');
  const extended = param('filename*');
  const filename = extended !== undefined ? decodeExtended(extended) : param('filename');
  const contentType = headers.get('content-type');
  return {
    name,
    ...(filename ? { filename: baseName(filename) } : {}),
    ...(contentType ? { contentType } : {}),
    data,
  };
}

/** `type; key=value; key="quoted \"value\""` → [type, [key, value]...]; keys lower-cased. */
function splitParams(header: string): [string | undefined, ...Array<[string, string]>] {
  const semicolon = header.indexOf(';');
  const type = (semicolon < 0 ? header : header.slice(0, semicolon)).trim();
  const params: Array<[string, string]> = [];
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of header.slice(Math.max(semicolon, 0)).matchAll(pattern)) {
    const key = (match[1] as string).toLowerCase();
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
    params.push([key, value]);
  }
  return [type || undefined, ...params];
}

/** RFC 5987 `UTF-8''na%C3%AFve.yaml`. */
function decodeExtended(value: string): string {
  const match = /^([\w!#$&+.^`|~-]*)'[^']*'(.*)$/.exec(value);
  if (!match) return value;
  try {
    return decodeURIComponent(match[2] as string);
  } catch {
    return match[2] as string;
  }
}

/** Browsers (old IE) send a full client path; only the file name is meant. */
function baseName(filename: string): string {
  return filename.split(/[\\/]/).pop() ?? filename;
}
