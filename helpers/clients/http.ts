import { Agent, request } from 'undici';
import type { z } from 'zod';
import { HintedError } from '../checks/check.js';
import { maskText } from '../config/mask.js';
import { retryUntil, WaitTimeoutError } from '../util/retry-until.js';
import { deadline } from '../util/timeout.js';
import { type CallSite, classifyError, networkFailure, type StatusHints, statusHint } from './client-error.js';
import { displayUrl, endpointFromUrl } from './endpoint.js';

/**
 * The small HTTP layer under the service clients: one undici Agent (keep-alive, so checks that
 * share a client do not reconnect), a deadline on every call, bounded retry for GETs only, JSON
 * checked against a zod schema. Errors name the URL (masked), what was expected and what was seen.
 */

export interface HttpClientOptions {
  /** Deadline of one call, retries included, unless the call gives its own (config.timeouts.requestMs). */
  timeoutMs: number;
  /** Attempts of a GET; POSTs are never repeated. Default 2. */
  getAttempts?: number;
  /** Pause before a repeated GET. Default 100 ms. */
  retryPauseMs?: number;
  /** Sent with every request (e.g. a user-agent); per-call headers win. */
  headers?: Record<string, string>;
}

export interface CallOptions<T> {
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Checks the parsed JSON body; a mismatch is an error naming the field. */
  schema?: z.ZodType<T>;
  /** What a good answer looks like, for messages: `MLflow "OK"`. Default `HTTP 2xx`. */
  expected?: string;
  /** Service-specific advice for 401/403/404. */
  hints?: StatusHints;
  /** Extra abort signal (e.g. a whole-stage deadline). */
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  /** The URL as it may be printed. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  /** The raw body text (for evidence excerpts; never printed unmasked). */
  text: string;
  latencyMs: number;
  attempts: number;
}

type Method = 'GET' | 'POST';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Attempt = { ok: true; raw: Raw } | { ok: false; error: unknown };

/** Statuses a repeated GET may cure: a proxy or a server that is momentarily not ready. */
const RETRY_STATUS = new Set([502, 503, 504]);

export class HttpClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #getAttempts: number;
  readonly #retryPauseMs: number;
  readonly #headers: Record<string, string>;

  constructor(options: HttpClientOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#getAttempts = Math.max(1, options.getAttempts ?? 2);
    this.#retryPauseMs = options.retryPauseMs ?? 100;
    this.#headers = { 'user-agent': 'kfp-e2e', ...options.headers };
    this.#agent = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: options.timeoutMs } });
  }

  /** GET, JSON body parsed (and checked against `schema` when given). */
  async getJson<T = unknown>(url: string, options: CallOptions<T> = {}): Promise<HttpResponse<T>> {
    return this.#json('GET', url, undefined, options);
  }

  /** POST a JSON payload, JSON body back. Never retried: the server may have acted on it. */
  async postJson<T = unknown>(url: string, payload: unknown, options: CallOptions<T> = {}): Promise<HttpResponse<T>> {
    return this.#json('POST', url, JSON.stringify(payload), options);
  }

  /** GET, body as text. */
  async getText(url: string, options: Omit<CallOptions<string>, 'schema'> = {}): Promise<HttpResponse<string>> {
    const raw = await this.#send('GET', url, undefined, options);
    return { ...raw, body: raw.text };
  }

  /** Closes pooled connections; idempotent. */
  async close(): Promise<void> {
    if (!this.#agent.closed) await this.#agent.close();
  }

  async #json<T>(method: Method, url: string, body: string | undefined, options: CallOptions<T>) {
    const raw = await this.#send(method, url, body, {
      ...options,
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
    });
    const site = this.#site(method, url, options);
    let data: unknown;
    try {
      data = JSON.parse(raw.text);
    } catch {
      throw new HintedError(
        maskText(`${site.action}: expected ${site.expected} as JSON, saw ${describeBody(raw)}`),
        `the address answers, but not with this API's JSON — another service on ${site.host}:${site.port}, or a login page of an auth proxy?`,
      );
    }
    if (!options.schema) return { ...raw, body: data as T };
    const parsed = options.schema.safeParse(data);
    if (!parsed.success) {
      throw new HintedError(
        maskText(
          `${site.action}: expected ${site.expected}, saw a body that does not match: ${describeIssues(parsed.error)}`,
        ),
        `the server at ${site.host}:${site.port} speaks another API version or is another service`,
      );
    }
    return { ...raw, body: parsed.data };
  }

  async #send(
    method: Method,
    url: string,
    body: string | undefined,
    options: Omit<CallOptions<unknown>, 'schema'>,
  ): Promise<Omit<HttpResponse<never>, 'body'>> {
    const site = this.#site(method, url, options);
    const signal = deadline(site.timeoutMs, options.signal);
    const maxAttempts = method === 'GET' ? this.#getAttempts : 1;
    const headers = { ...this.#headers, ...options.headers };
    const started = performance.now();
    let attempts = 0;

    const once = async (): Promise<Attempt> => {
      attempts++;
      try {
        const response = await request(url, {
          method,
          headers,
          body,
          signal,
          dispatcher: this.#agent,
          headersTimeout: site.timeoutMs,
          bodyTimeout: site.timeoutMs,
        });
        const text = await response.body.text();
        return { ok: true, raw: { status: response.statusCode, headers: response.headers, text } };
      } catch (error) {
        return { ok: false, error };
      }
    };
    // Only what another attempt can cure is retried: a dropped keep-alive socket or a 502/503/504.
    // A refused connection or a timeout is final — retrying would only stretch a failing stage.
    const settled = (a: Attempt) =>
      attempts >= maxAttempts || (a.ok ? !RETRY_STATUS.has(a.raw.status) : classifyError(a.error).kind !== 'reset');

    let attempt: Attempt;
    try {
      attempt = await retryUntil(once, settled, () => `${site.action}: gave up`, {
        timeoutMs: site.timeoutMs,
        intervalMs: this.#retryPauseMs,
        signal,
      });
    } catch (error) {
      attempt = error instanceof WaitTimeoutError ? (error.last as Attempt) : { ok: false, error };
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    if (!attempt.ok) throw networkFailure(attempt.error, site);
    const { raw } = attempt;
    if (raw.status < 200 || raw.status >= 300) {
      const location = typeof raw.headers.location === 'string' ? raw.headers.location : undefined;
      throw new HintedError(
        maskText(`${site.action}: expected ${site.expected}, saw HTTP ${raw.status}${describeError(raw)}`),
        statusHint(raw.status, site, { ...options.hints, location, body: raw.text.slice(0, 500) }),
      );
    }
    return { url: displayUrl(url), ...raw, latencyMs, attempts };
  }

  #site(method: Method, url: string, options: { timeoutMs?: number; expected?: string }): CallSite {
    const { host, port } = endpointFromUrl(url);
    return {
      action: `${method} ${displayUrl(url)}`,
      expected: options.expected ?? 'HTTP 2xx',
      host,
      port,
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
    };
  }
}

const EXCERPT_CHARS = 200;

/** A short, single-line excerpt of a body for messages. */
export function excerpt(text: string): string {
  const line = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

function describeBody(raw: Raw): string {
  const type = raw.headers['content-type'];
  const shown = excerpt(raw.text);
  return `${typeof type === 'string' ? `${type.split(';')[0]} ` : ''}${shown ? `"${shown}"` : 'an empty body'}`;
}

/**
 * The server's own explanation of an error status: the usual JSON error fields (MLflow's
 * error_code/message, gRPC-gateway's code/message, FastAPI's detail), else an excerpt.
 */
export function describeError(raw: Pick<Raw, 'text'>): string {
  if (raw.text.trim() === '') return '';
  try {
    const data = JSON.parse(raw.text) as Record<string, unknown>;
    if (data !== null && typeof data === 'object') {
      const parts = ['error_code', 'error', 'message', 'detail']
        .map((key) => data[key])
        .filter((v): v is string | object => v !== undefined && v !== null && v !== '')
        .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      if (parts.length > 0) return `: ${excerpt([...new Set(parts)].join(': '))}`;
    }
  } catch {
    // not JSON: fall through to the excerpt
  }
  return `: "${excerpt(raw.text)}"`;
}

/** Zod issues as `field: problem`, the first three, so a person knows which field is off. */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
