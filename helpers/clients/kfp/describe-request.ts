import { maskDeep, maskText } from '../../config/mask.js';
import { contentSha256 } from './content-hash.js';
import type { KfpRequest } from './requests.js';
import type { KfpTransport } from './transport.js';

/** A request as `--dry-run` prints it: exact method, URL and headers (secrets masked), body summary. */
export interface DescribedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** JSON bodies as sent; multipart bodies as `field=filename (N bytes, sha256 …)`. */
  body?: unknown;
  /** The decoded `filter` query parameter, for reading. */
  filter?: unknown;
}

/**
 * Headers are taken from the transport, so the token file is read as for a real request (an
 * unreadable one fails the dry run too), then masked.
 */
export function describeRequest(transport: KfpTransport, req: KfpRequest): DescribedRequest {
  const contentType = req.body?.kind === 'multipart' ? 'multipart/form-data; boundary=<random per request>' : undefined;
  const headers = maskDeep(transport.headers(req, contentType));
  const filter = typeof req.query?.filter === 'string' ? safeJson(req.query.filter) : undefined;
  return {
    method: req.method,
    // Placeholder ids (`<run_id>`) stay readable instead of percent-encoded.
    url: maskText(transport.url(req)).replace(/%3C([a-z_]+)%3E/gi, '<$1>'),
    headers,
    ...(req.body ? { body: summariseBody(req.body) } : {}),
    ...(filter !== undefined ? { filter } : {}),
  };
}

function summariseBody(body: NonNullable<KfpRequest['body']>): unknown {
  if (body.kind === 'json') return maskDeep(body.value);
  return `${body.field}=${body.filename} (${body.content.byteLength} bytes, sha256 ${contentSha256(body.content)})`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Lines for a terminal: `POST http://…`, then indented headers and body. */
export function formatRequest(described: DescribedRequest): string[] {
  const lines = [`${described.method} ${described.url}`];
  for (const [name, value] of Object.entries(described.headers)) lines.push(`    ${name}: ${value}`);
  if (described.filter !== undefined) lines.push(`    filter (decoded): ${JSON.stringify(described.filter)}`);
  if (described.body !== undefined) {
    const body = typeof described.body === 'string' ? described.body : JSON.stringify(described.body, null, 2);
    lines.push(...`body: ${body}`.split('\n').map((line) => `    ${line}`));
  }
  return lines;
}
