import { HintedError } from '../checks/check.js';
import { maskText } from '../config/mask.js';

/**
 * Turns whatever a network call threw (Node socket errors, undici, the AWS SDK, pg, an aborted
 * deadline) into one HintedError: "<action>: expected <x>, saw <y>", plus what to try next when
 * the cause is recognisable. Clients use it; they decide nothing else.
 */

/** What a failed call was doing, for the message and the hint. */
export interface CallSite {
  /** What was attempted, naming the endpoint: `GET http://127.0.0.1:9000/minio/health/ready`. */
  action: string;
  /** What a healthy answer looks like: `HTTP 200`, `a TCP connection`. */
  expected: string;
  host: string;
  port: number;
  timeoutMs: number;
}

export type FailureKind =
  | 'refused'
  | 'dns'
  | 'dns-temporary'
  | 'timeout'
  | 'reset'
  | 'unreachable'
  | 'tls-protocol'
  | 'tls-untrusted'
  | 'other';

export interface Classified {
  kind: FailureKind;
  code?: string;
  /** The underlying error's own message, masked. */
  message: string;
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ABORT_ERR',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TLS_PROTOCOL_CODES = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
]);
const TLS_UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** Messages of errors that carry no code: pg's connect/query deadlines, smithy's socket timeouts. */
const TIMEOUT_MESSAGE = /timeout expired|timed out|query read timeout|connection timeout|no answer within/i;

/** Every error in a cause chain, AggregateError members included (Node tries IPv6 and IPv4). */
export function errorChain(error: unknown, depth = 0): unknown[] {
  if (depth > 5 || error === null || error === undefined) return [];
  const chain: unknown[] = [error];
  if (error instanceof AggregateError) for (const e of error.errors) chain.push(...errorChain(e, depth + 1));
  if (error instanceof Error && error.cause !== undefined) chain.push(...errorChain(error.cause, depth + 1));
  return chain;
}

/** The first string error code in the chain (DOMException's numeric `code` is not one). */
export function errorCode(error: unknown): string | undefined {
  for (const e of errorChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

export function classifyError(error: unknown): Classified {
  const chain = errorChain(error);
  const codes = chain.map((e) => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string');
  const names = chain.map((e) => (e instanceof Error ? e.name : ''));
  const messages = chain.map((e) => (e instanceof Error ? e.message : String(e)));
  const message = maskText(tidy(messages.find((m) => m !== '') ?? 'unknown error'));
  const first = (set: Set<string>) => codes.find((c) => set.has(c));
  const tagged = (kind: FailureKind, code: string | undefined): Classified => ({
    kind,
    ...(code ? { code } : {}),
    message,
  });

  if (codes.includes('ECONNREFUSED')) return tagged('refused', 'ECONNREFUSED');
  if (codes.includes('ENOTFOUND')) return tagged('dns', 'ENOTFOUND');
  if (codes.includes('EAI_AGAIN') || codes.includes('ESERVFAIL'))
    return tagged('dns-temporary', first(new Set(['EAI_AGAIN', 'ESERVFAIL'])));
  const untrusted = first(TLS_UNTRUSTED_CODES);
  if (untrusted) return tagged('tls-untrusted', untrusted);
  const protocol = first(TLS_PROTOCOL_CODES);
  if (protocol || messages.some((m) => /wrong version number|ssl routines/i.test(m)))
    return tagged('tls-protocol', protocol);
  const unreachable = first(UNREACHABLE_CODES);
  if (unreachable) return tagged('unreachable', unreachable);
  const timeout = first(TIMEOUT_CODES);
  if (
    timeout ||
    names.some((n) => n === 'TimeoutError' || n === 'AbortError') ||
    messages.some((m) => TIMEOUT_MESSAGE.test(m))
  )
    return tagged('timeout', timeout);
  const reset = first(RESET_CODES);
  if (reset || messages.some((m) => /socket hang up|other side closed|connection terminated unexpectedly/i.test(m)))
    return tagged('reset', reset);
  return tagged('other', codes[0]);
}

/** One line; OpenSSL's `…:SSL routines:ssl3_get_record:wrong version number:…` reduced to its reason. */
function tidy(message: string): string {
  const ssl = /SSL routines:[^:]*:([^:]+)/.exec(message);
  return (ssl?.[1] ?? message).replace(/\s+/g, ' ').trim();
}

/** What was seen, in words: `connection refused (ECONNREFUSED)`. */
export function describeFailure(c: Classified, timeoutMs: number): string {
  const code = c.code ? ` (${c.code})` : '';
  switch (c.kind) {
    case 'refused':
      return `connection refused${code}`;
    case 'dns':
      return `host name does not resolve${code}`;
    case 'dns-temporary':
      return `DNS lookup failed temporarily${code}`;
    case 'timeout':
      return `no answer within ${timeoutMs} ms${code}`;
    case 'reset':
      return `connection closed by the other side${code}: ${c.message}`;
    case 'unreachable':
      return `host unreachable${code}`;
    case 'tls-protocol':
      return `TLS handshake failed${code}: ${c.message}`;
    case 'tls-untrusted':
      return `TLS certificate not trusted${code}: ${c.message}`;
    case 'other':
      return `${c.message}${code && !c.message.includes(c.code ?? '') ? code : ''}`;
  }
}

/** What to try next for a network failure; undefined when the cause is not recognisable. */
export function networkHint(c: Classified, site: Pick<CallSite, 'host' | 'port' | 'timeoutMs'>): string | undefined {
  // Port 0: a DNS lookup, which has no port.
  const where = site.port ? `${site.host}:${site.port}` : site.host;
  switch (c.kind) {
    case 'refused':
      return `nothing listens on ${where} — is the service running / port-forward open? (or the port is wrong)`;
    case 'dns':
      return `DNS cannot resolve ${site.host} — check the host name; cluster-internal names (*.svc.cluster.local) resolve only inside the cluster: use kubectl port-forward and 127.0.0.1`;
    case 'dns-temporary':
      return `DNS lookup of ${site.host} failed temporarily — is a DNS server reachable? Retry, or use an IP address`;
    case 'timeout':
      return `no answer from ${where} within ${site.timeoutMs} ms — wrong host, a firewall dropping packets, or a hung service; raise E2E_REQUEST_TIMEOUT_MS only if it is merely slow`;
    case 'reset':
      return `${where} closed the connection — wrong protocol on this port (TLS vs plain HTTP?), another service on this port, or a proxy in between`;
    case 'unreachable':
      return `no route to ${site.host} — check the network, VPN or cluster connection`;
    case 'tls-protocol':
      return `TLS mismatch with ${where}: the server does not speak TLS here — use http:// instead of https:// (or the TLS port)`;
    case 'tls-untrusted':
      return `the certificate of ${site.host} is not trusted — add its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem, and check the host name matches the certificate`;
    case 'other':
      return undefined;
  }
}

/** A network-level failure (nothing came back) as a HintedError. */
export function networkFailure(error: unknown, site: CallSite): HintedError {
  if (error instanceof HintedError) return error;
  const classified = classifyError(error);
  return new HintedError(
    maskText(`${site.action}: expected ${site.expected}, saw ${describeFailure(classified, site.timeoutMs)}`),
    networkHint(classified, site),
    { cause: error },
  );
}

export interface StatusHints {
  /** Credentials were rejected (401/403): which setting to check. */
  credentials?: string;
  /** The path does not exist (404): which setting decides the path. */
  notFound?: string;
  /** A service's own reading of a status and body, consulted first (e.g. MLflow's Host check). */
  custom?: (status: number, body: string) => string | undefined;
}

/** What to try next for an HTTP status that is not the expected one. */
export function statusHint(
  status: number,
  site: Pick<CallSite, 'host' | 'port'>,
  extra: StatusHints & { location?: string; body?: string } = {},
): string | undefined {
  const where = `${site.host}:${site.port}`;
  const custom = extra.custom?.(status, extra.body ?? '');
  if (custom) return custom;
  if (status === 400 && extra.body && /https/i.test(extra.body) && /plain|http request/i.test(extra.body))
    return `TLS mismatch with ${where}: the server expects TLS — use https:// instead of http://`;
  if (status === 401 || status === 403)
    return `credentials rejected by ${where} (HTTP ${status})${extra.credentials ? ` — ${extra.credentials}` : ' — check the configured credentials'}`;
  if (status === 404)
    return `the path does not exist on ${where}${extra.notFound ? ` — ${extra.notFound}` : ' — wrong path or prefix, or another service listens on this port'}`;
  if (status >= 300 && status < 400)
    return `redirected${extra.location ? ` to ${maskText(extra.location)}` : ''} — an authentication proxy or ingress in front of the service? Use the service's own address or pass credentials`;
  if (status === 502 || status === 503 || status === 504)
    return `${where} (or a proxy in front of it) is not ready (HTTP ${status}) — the service is starting, overloaded or down: check its log / pod status`;
  if (status >= 500) return `the service at ${where} failed internally (HTTP ${status}) — see its log`;
  return undefined;
}
