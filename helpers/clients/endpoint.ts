import { maskText } from '../config/mask.js';

/** Where a service listens, as DNS and TCP checks need it, plus a form that is safe to print. */
export interface Endpoint {
  host: string;
  port: number;
  /** The address as shown in messages and evidence: credentials masked, no query string. */
  display: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Host and port of an http(s) URL; the port defaults by scheme (a URL without one still has one). */
export function endpointFromUrl(url: string): Endpoint {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (port === undefined) throw new Error(`${displayUrl(url)}: expected an http(s) URL, saw ${parsed.protocol}`);
  return { host: unbracket(parsed.hostname), port, display: displayUrl(url) };
}

/**
 * A URL as it may appear in output. Userinfo is masked by maskText; the query string is dropped
 * because signed URLs and tokens travel there.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return maskText(url);
  }
  const auth = parsed.username ? `${decodeURIComponent(parsed.username)}${parsed.password ? ':***' : ''}@` : '';
  const path = parsed.pathname === '/' && !url.endsWith('/') ? '' : parsed.pathname;
  return maskText(`${parsed.protocol}//${auth}${parsed.host}${path}`);
}

/** `base` + `path`, keeping any path prefix of `base` (http://h/pipeline + /apis/... → http://h/pipeline/apis/...). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** IPv6 literals come out of URL.hostname in brackets; sockets and DNS want them bare. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
