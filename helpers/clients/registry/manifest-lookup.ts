import { request } from 'undici';
import { maskText } from '../../config/mask.js';
import { deadline } from '../../util/timeout.js';
import { canonicalImage, type ImageName } from './image-name.js';

/**
 * Whether a registry holds an image, asked the way a kubelet pulls it: the Docker Registry HTTP
 * API v2 (`HEAD /v2/<repository>/manifests/<tag|digest>`), with the anonymous bearer-token
 * exchange that public registries (Docker Hub, ghcr.io, quay.io) require even for public images.
 */
export type ManifestLookup =
  | { status: 'present'; image: string; digest?: string }
  /** The registry answered 404: no such repository or tag. */
  | { status: 'absent'; image: string; httpStatus: number }
  /** 401/403 even with an anonymous token: private, so only the cluster's pull secret can tell. */
  | { status: 'denied'; image: string; httpStatus: number }
  /** No answer (network, DNS, timeout, unexpected status): it cannot be checked from here. */
  | { status: 'unknown'; image: string; detail: string };

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface LookupOptions {
  timeoutMs: number;
  /** `http` for a plain-HTTP registry such as a local test registry; default https. */
  scheme?: 'http' | 'https';
}

/** Docker Hub's references say docker.io; its API lives at registry-1.docker.io. */
function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export async function lookupManifest(name: ImageName, options: LookupOptions): Promise<ManifestLookup> {
  const image = canonicalImage(name);
  const url = `${options.scheme ?? 'https'}://${apiHost(name.registry)}/v2/${name.repository}/manifests/${name.digest ?? name.tag ?? 'latest'}`;
  // One deadline for the whole exchange (manifest, token, manifest again).
  const signal = deadline(options.timeoutMs);
  try {
    let answer = await head(url, {}, signal);
    if (answer.status === 401) {
      const token = await anonymousToken(String(answer.headers['www-authenticate'] ?? ''), signal);
      if (token) answer = await head(url, { authorization: `Bearer ${token}` }, signal);
    }
    if (answer.status === 200) {
      const digest = answer.headers['docker-content-digest'];
      return { status: 'present', image, ...(typeof digest === 'string' ? { digest } : {}) };
    }
    if (answer.status === 404) return { status: 'absent', image, httpStatus: 404 };
    if (answer.status === 401 || answer.status === 403) return { status: 'denied', image, httpStatus: answer.status };
    return { status: 'unknown', image, detail: `${maskText(url)} answered HTTP ${answer.status}` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const detail = signal.aborted
      ? `no answer from ${apiHost(name.registry)} within ${options.timeoutMs} ms`
      : `${apiHost(name.registry)}: ${code ?? (error as Error).message}`;
    return { status: 'unknown', image, detail: maskText(detail) };
  }
}

async function head(url: string, headers: Record<string, string>, signal: AbortSignal) {
  const response = await request(url, { method: 'HEAD', headers: { accept: MANIFEST_TYPES, ...headers }, signal });
  await response.body.dump();
  return { status: response.statusCode, headers: response.headers };
}

/** `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"` → a token. */
async function anonymousToken(challenge: string, signal: AbortSignal): Promise<string | undefined> {
  if (!/^bearer\s/i.test(challenge)) return undefined;
  const params = Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]?.toLowerCase(), match[2]]),
  ) as Record<string, string | undefined>;
  if (!params.realm) return undefined;
  const tokenUrl = new URL(params.realm);
  if (params.service) tokenUrl.searchParams.set('service', params.service);
  if (params.scope) tokenUrl.searchParams.set('scope', params.scope);
  const response = await request(tokenUrl, { method: 'GET', signal });
  const text = await response.body.text();
  if (response.statusCode !== 200) return undefined;
  try {
    const body = JSON.parse(text) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  } catch {
    return undefined;
  }
}
