import { Agent, request } from 'undici';
import { retryUntil, WaitTimeoutError } from '../../util/retry-until.js';
import { deadline } from '../../util/timeout.js';
import { classifyError } from '../client-error.js';
import { displayUrl, endpointFromUrl, joinUrl } from '../endpoint.js';
import { authHeaders, type KfpAuth } from './auth.js';
import { httpStatusError, type KfpCallSite, malformedJsonError, networkError, schemaError } from './errors.js';
import { multipartBody } from './multipart.js';
import { type KfpRequest, pathWithQuery } from './requests.js';

/**
 * Sends KfpRequests: one keep-alive undici Agent, a deadline on every call (retries included),
 * bounded retry for idempotent reads only, JSON parsed and checked against the request's schema.
 * Every failure is a KfpApiError.
 */

export interface KfpTransportOptions {
  /** KFP API base URL (ml-pipeline service), e.g. http://127.0.0.1:8888. */
  host: string;
  /** Prefix before /apis/v2beta1, e.g. /pipeline behind the Kubeflow ingress. */
  pathPrefix?: string;
  auth?: KfpAuth;
  /** Only for hints (multi-user installs). */
  namespace?: string;
  /** Deadline of one call, retries included (config.timeouts.requestMs). */
  timeoutMs: number;
  /** Attempts of an idempotent read. Default 3. */
  readAttempts?: number;
  /** First pause before a repeated read; doubles. Default 200 ms. */
  retryPauseMs?: number;
}

export interface SendOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Statuses a repeated read may cure: a proxy or a server that is momentarily not ready. */
const RETRY_STATUS = new Set([502, 503, 504]);

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}
type Attempt = { ok: true; raw: Raw } | { ok: false; error: unknown };

export class KfpTransport {
  /** `{host}{pathPrefix}`. */
  readonly base: string;
  readonly options: Readonly<KfpTransportOptions>;
  readonly #agent: Agent;

  constructor(options: KfpTransportOptions) {
    this.options = options;
    this.base = options.pathPrefix ? joinUrl(options.host, options.pathPrefix) : options.host.replace(/\/+$/, '');
    this.#agent = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: options.timeoutMs } });
  }

  /** The full URL of a request, query included. */
  url(req: Pick<KfpRequest, 'path' | 'query'>): string {
    return joinUrl(this.base, pathWithQuery(req));
  }

  /** The headers a request carries (auth read now: token files rotate). */
  headers(req: Pick<KfpRequest, 'body'>, contentType?: string): Record<string, string> {
    return {
      'user-agent': 'kfp-e2e',
      accept: 'application/json',
      ...(req.body?.kind === 'json' ? { 'content-type': 'application/json' } : {}),
      ...(contentType ? { 'content-type': contentType } : {}),
      ...authHeaders(this.options.auth ?? {}),
    };
  }

  async send<T>(req: KfpRequest<T>, options: SendOptions = {}): Promise<T> {
    const url = this.url(req);
    const site = this.site(req, url, options.timeoutMs);
    const signal = deadline(site.timeoutMs, options.signal);
    const maxAttempts = req.idempotent ? Math.max(1, this.options.readAttempts ?? 3) : 1;
    let payload: { body: string | Buffer | undefined; contentType: string | undefined };
    let headers: Record<string, string>;
    try {
      payload = encodeBody(req);
      headers = this.headers(req, payload.contentType);
    } catch (error) {
      throw networkError(site, error);
    }

    let attempts = 0;
    const once = async (): Promise<Attempt> => {
      attempts++;
      try {
        const response = await request(url, {
          method: req.method,
          headers,
          body: payload.body,
          signal,
          dispatcher: this.#agent,
          headersTimeout: site.timeoutMs,
          bodyTimeout: site.timeoutMs,
        });
        return {
          ok: true,
          raw: { status: response.statusCode, headers: response.headers, text: await response.body.text() },
        };
      } catch (error) {
        return { ok: false, error };
      }
    };
    // Only what another attempt can cure is retried: a dropped keep-alive socket or a 502/503/504.
    // A refused connection or a timeout is final — retrying would only stretch a failing call.
    const settled = (a: Attempt) =>
      attempts >= maxAttempts || (a.ok ? !RETRY_STATUS.has(a.raw.status) : classifyError(a.error).kind !== 'reset');
    let attempt: Attempt;
    try {
      attempt = await retryUntil(once, settled, () => `${req.method} ${site.display}: gave up`, {
        timeoutMs: site.timeoutMs,
        intervalMs: this.options.retryPauseMs ?? 200,
        signal,
      });
    } catch (error) {
      attempt = error instanceof WaitTimeoutError ? (error.last as Attempt) : { ok: false, error };
    }
    if (!attempt.ok) throw networkError(site, attempt.error);

    const { raw } = attempt;
    if (raw.status < 200 || raw.status >= 300) throw httpStatusError(site, raw.status, raw.text, raw.headers);
    let data: unknown;
    try {
      data = JSON.parse(raw.text);
    } catch {
      const type = raw.headers['content-type'];
      throw malformedJsonError(site, raw.status, raw.text, typeof type === 'string' ? type : undefined);
    }
    const parsed = req.schema.safeParse(data);
    if (!parsed.success) throw schemaError(site, raw.status, parsed.error);
    return parsed.data;
  }

  site(req: Pick<KfpRequest, 'method' | 'expected'>, url: string, timeoutMs?: number): KfpCallSite {
    const { host, port } = endpointFromUrl(url);
    return {
      method: req.method,
      display: displayUrl(url),
      expected: req.expected,
      host,
      port,
      timeoutMs: timeoutMs ?? this.options.timeoutMs,
      pathPrefix: this.options.pathPrefix ?? '',
      auth: this.options.auth ?? {},
      ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
    };
  }

  /** Closes pooled connections; idempotent. */
  async close(): Promise<void> {
    if (!this.#agent.closed && !this.#agent.destroyed) await this.#agent.close();
  }
}

function encodeBody(req: KfpRequest): { body: string | Buffer | undefined; contentType: string | undefined } {
  if (!req.body) return { body: undefined, contentType: undefined };
  if (req.body.kind === 'json') return { body: JSON.stringify(req.body.value), contentType: undefined };
  const multipart = multipartBody(req.body.field, req.body.filename, req.body.content);
  return { body: multipart.bytes, contentType: multipart.contentType };
}
