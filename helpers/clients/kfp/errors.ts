import type { z } from 'zod';
import { HintedError } from '../../checks/check.js';
import { maskText } from '../../config/mask.js';
import { classifyError, describeFailure, type FailureKind, networkHint, statusHint } from '../client-error.js';
import { describeIssues, excerpt } from '../http.js';
import { describeAuth, hasToken, type KfpAuth } from './auth.js';
import { type ErrorBody, ErrorBodySchema } from './schemas.js';

/**
 * Everything that can go wrong talking to the KFP API becomes one KfpApiError: an HTTP error
 * status (whichever error body the server generation sends), a network failure, or an answer that
 * is not the expected JSON. It carries the facts (status, gRPC code, server message, endpoint —
 * masked) and a hint that says what to try next.
 */

/** google.rpc.Code names, by number. */
export const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export type KfpFailureKind = 'http' | 'network' | 'response';

export interface KfpApiErrorFields {
  kind: KfpFailureKind;
  /** `POST http://host:8888/apis/v2beta1/runs`, masked, without the query string. */
  endpoint: string;
  status?: number;
  grpcCode?: number;
  /** google.rpc.Code name of grpcCode: `NOT_FOUND`. */
  grpcStatus?: string;
  /** The server's own message (masked). */
  serverMessage?: string;
  details?: unknown[];
  /** For network failures: refused, timeout, dns, … */
  network?: FailureKind;
}

export class KfpApiError extends HintedError {
  readonly kind: KfpFailureKind;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly grpcCode: number | undefined;
  readonly grpcStatus: string | undefined;
  readonly serverMessage: string | undefined;
  readonly details: unknown[] | undefined;
  readonly network: FailureKind | undefined;

  constructor(message: string, hint: string | undefined, fields: KfpApiErrorFields, options?: ErrorOptions) {
    super(maskText(message), hint === undefined ? undefined : maskText(hint), options);
    this.name = 'KfpApiError';
    this.kind = fields.kind;
    this.endpoint = maskText(fields.endpoint);
    this.status = fields.status;
    this.grpcCode = fields.grpcCode;
    this.grpcStatus = fields.grpcStatus;
    this.serverMessage = fields.serverMessage === undefined ? undefined : maskText(fields.serverMessage);
    this.details = fields.details;
    this.network = fields.network;
  }

  /** The server said it already exists (HTTP 409 / ALREADY_EXISTS): callers that create-or-reuse look again. */
  get alreadyExists(): boolean {
    return this.status === 409 || this.grpcCode === 6;
  }

  /** The server said the resource does not exist (a NOT_FOUND body, not a missing route). */
  get resourceNotFound(): boolean {
    return this.grpcCode === 5;
  }
}

/** What the failed call was, for messages and hints. */
export interface KfpCallSite {
  method: string;
  /** The URL as it may be printed (masked, no query string). */
  display: string;
  /** What a good answer is: `a KFP run`. */
  expected: string;
  host: string;
  port: number;
  timeoutMs: number;
  pathPrefix: string;
  auth: KfpAuth;
  namespace?: string;
}

const action = (site: KfpCallSite) => `${site.method} ${site.display}`;

/** The code, message and details of an error body, whichever of the three shapes it has. */
export function parseErrorBody(text: string): { code?: number; message?: string; details?: unknown[] } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ErrorBodySchema.safeParse(data);
  if (!parsed.success) return undefined;
  const body: ErrorBody = parsed.data;
  const message = body.message || body.error || body.error_message || body.error_details;
  if (message === undefined && body.code === undefined) return undefined;
  return {
    ...(body.code !== undefined ? { code: body.code } : {}),
    ...(message ? { message } : {}),
    ...(body.details ? { details: body.details } : {}),
  };
}

/** An HTTP status outside 2xx. */
export function httpStatusError(
  site: KfpCallSite,
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined> = {},
): KfpApiError {
  const body = parseErrorBody(text);
  const grpcStatus = body?.code !== undefined ? GRPC_CODES[body.code] : undefined;
  // Not a KFP error body (an ingress 404 page, Istio's "RBAC: access denied"): show an excerpt.
  const serverMessage = body?.message ?? (text.trim() === '' ? undefined : excerpt(text));
  const seen = `HTTP ${status}${grpcStatus ? ` ${grpcStatus}` : ''}${serverMessage ? `: ${excerpt(serverMessage)}` : ''}`;
  const location = typeof headers.location === 'string' ? headers.location : undefined;
  return new KfpApiError(
    `${action(site)}: expected ${site.expected}, saw ${seen}`,
    statusHintFor(site, status, body?.code, serverMessage, location),
    {
      kind: 'http',
      endpoint: action(site),
      status,
      ...(body?.code !== undefined ? { grpcCode: body.code } : {}),
      ...(grpcStatus ? { grpcStatus } : {}),
      ...(serverMessage ? { serverMessage } : {}),
      ...(body?.details ? { details: body.details } : {}),
    },
  );
}

function statusHintFor(
  site: KfpCallSite,
  status: number,
  grpcCode: number | undefined,
  message: string | undefined,
  location: string | undefined,
): string | undefined {
  const where = `${site.host}:${site.port}`;
  const said = message ? ` (server: "${excerpt(message)}")` : '';
  const auth = describeAuth(site.auth);
  const namespace = site.namespace ? `"${site.namespace}"` : 'none (single-user request)';
  if (status === 401 || grpcCode === 16) {
    return hasToken(site.auth)
      ? `the KFP API rejected the credentials (${auth.token}) — the token may be expired or for another audience (--audience pipelines.kubeflow.org): refresh KFP_TOKEN, point KFP_TOKEN_FILE at a rotating service-account token (it is re-read for every request), or check what KFP_TOKEN_COMMAND prints`
      : 'the KFP API requires authentication — set KFP_TOKEN or KFP_TOKEN_FILE, or KFP_TOKEN_COMMAND to a command printing one (e.g. `kubectl create token <service-account> -n <namespace> --audience pipelines.kubeflow.org`)';
  }
  if (status === 403 || grpcCode === 7) {
    return `authenticated, but not allowed${said} — multi-user installs need the user identity (KFP_USER_ID_HEADER=kubeflow-userid and KFP_USER_ID=<you@example.com>; now: ${auth.identity}) and a profile namespace that user may use (KFP_NAMESPACE; now: ${namespace}); with a token (${auth.token}) check its RBAC in that namespace`;
  }
  if (status === 404) {
    if (grpcCode === 5) {
      return `the API answered, but the object does not exist${said} — check the id${site.namespace ? ` and that it belongs to namespace ${namespace}` : ''}`;
    }
    return `no KFP v2beta1 API at this path on ${where} (path prefix now "${site.pathPrefix}") — behind the Kubeflow ingress the API lives under /pipeline: set KFP_PATH_PREFIX=/pipeline; otherwise KFP_HOST is not the ml-pipeline service (or it is a KFP older than 2.0, which has no v2beta1)`;
  }
  if (status === 409 || grpcCode === 6) {
    return `it already exists${said} — pipeline, version and experiment names are unique (per namespace); another submitter may have created the same one a moment ago: run again to reuse it`;
  }
  if (status === 413) {
    return `the server refused the package as too large${said} — KFP accepts packages up to 32 MB`;
  }
  if (status === 400 || grpcCode === 3 || grpcCode === 9 || grpcCode === 11) {
    return `the server rejected the request as invalid${said} — check the parameters and the package against the pipeline (\`kfp-e2e submit --dry-run\` shows the exact request)`;
  }
  return statusHint(status, site, { ...(location ? { location } : {}), ...(message ? { body: message } : {}) });
}

/** Nothing came back: refused, timed out, DNS, TLS, reset. */
export function networkError(site: KfpCallSite, error: unknown): KfpApiError {
  if (error instanceof KfpApiError) return error;
  if (error instanceof HintedError) {
    // Raised before anything was sent (an unreadable token file): keep its message and hint.
    return new KfpApiError(`${action(site)}: ${error.message}`, error.hint, {
      kind: 'network',
      endpoint: action(site),
    });
  }
  const classified = classifyError(error);
  const hint =
    classified.kind === 'refused'
      ? `nothing listens on ${site.host}:${site.port} — is the port-forward running? \`kubectl port-forward -n kubeflow svc/ml-pipeline ${site.port}:8888\` (or KFP_HOST has the wrong port)`
      : networkHint(classified, site);
  return new KfpApiError(
    `${action(site)}: expected ${site.expected}, saw ${describeFailure(classified, site.timeoutMs)}`,
    hint,
    { kind: 'network', endpoint: action(site), network: classified.kind },
    { cause: error },
  );
}

/** A 2xx answer that is not JSON. */
export function malformedJsonError(site: KfpCallSite, status: number, text: string, contentType?: string): KfpApiError {
  const shown = excerpt(text);
  const type = contentType ? `${contentType.split(';')[0]} ` : '';
  return new KfpApiError(
    `${action(site)}: expected ${site.expected} as JSON, saw HTTP ${status} ${type}${shown ? `"${shown}"` : 'with an empty body'}`,
    `${site.host}:${site.port} answers, but not with the KFP API's JSON — the login page of an auth proxy (pass KFP_TOKEN), the KFP UI instead of the API (ml-pipeline-ui vs ml-pipeline:8888), or a wrong KFP_PATH_PREFIX`,
    { kind: 'response', endpoint: action(site), status },
  );
}

/** JSON that does not match the v2beta1 schema; names the fields. */
export function schemaError(site: KfpCallSite, status: number, error: z.ZodError): KfpApiError {
  return new KfpApiError(
    `${action(site)}: expected ${site.expected}, saw a body that does not match: ${describeIssues(error)}`,
    `the server at ${site.host}:${site.port} speaks another KFP API version (kfp-e2e needs v2beta1, KFP ≥ 2.0) or is another service`,
    { kind: 'response', endpoint: action(site), status },
  );
}
