/**
 * An image reference split the way registries and kubelets see it. `python:3.11` is
 * `docker.io/library/python:3.11` to a node and `registry-1.docker.io` + `library/python` to the
 * registry API, so both sides are compared in this canonical form.
 */
export interface ImageName {
  /** Registry host as written in references (`docker.io`, `ghcr.io`, `localhost:5000`). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageName(image: string): ImageName | undefined {
  const ref = image.trim();
  if (ref === '' || /\s|\{\{/.test(ref)) return undefined;
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const named = at === -1 ? ref : ref.slice(0, at);
  const slash = named.indexOf('/');
  const first = slash === -1 ? '' : named.slice(0, slash);
  // The first segment is a registry only when it looks like a host: a dot, a port or localhost.
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? named.slice(slash + 1) : named;
  let tag: string | undefined;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon !== -1) {
    tag = lastSegment.slice(colon + 1);
    path = path.slice(0, path.length - lastSegment.length + colon);
  }
  if (path === '') return undefined;
  const repository = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository:tag` or `registry/repository@digest` (the digest wins, as for a pull). */
export function canonicalImage(name: ImageName): string {
  const base = `${name.registry}/${name.repository}`;
  if (name.digest) return `${base}@${name.digest}`;
  return `${base}:${name.tag ?? 'latest'}`;
}
