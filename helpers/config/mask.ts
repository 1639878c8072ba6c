/**
 * The one masking function of the project. Everything that leaves the process — console, reports,
 * JUnit, error messages, child-process logs — passes through `maskText` or `maskDeep`.
 */
export const MASK = '***';

const knownSecrets = new Set<string>();

/** Secrets shorter than this are not substring-replaced (they would mangle ordinary words). */
const MIN_SECRET_LENGTH = 4;

/** Remember a secret value so that it is masked wherever it appears later. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

/** For unit tests only: forget every registered secret. */
export function clearRegisteredSecrets(): void {
  knownSecrets.clear();
}

const SECRET_NAME =
  /(^|_)(password|passwd|pwd|secret|secret_key|token|access_token|credentials?|api_key|access_key|private_key|authorization)$/;

/** Whether a field or variable name denotes a secret: password, secretKey, MINIO_SECRET_KEY, apiKey... */
export function isSecretName(name: string): boolean {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  return SECRET_NAME.test(snake);
}

// The password runs to the last `@` of the authority: an unencoded `@` inside it must not leak the rest.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s/]+)(@)/gi;
// Any credential after "Bearer" is masked, however short; only the prose "Bearer token(s) for ..."
// (the config key descriptions) is left readable.
const BEARER = /\b(bearer\s+)(?!tokens?\b)[A-Za-z0-9._~+/=-]+/gi;
const KEY_VALUE =
  // The optional quote after the name covers JSON (`"password":"x"`), e.g. a response body in an error.
  /\b([\w-]*(?:password|passwd|secret|token|secret[_-]?key|access[_-]?key)[\w-]*["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"'{[][^\s&,;"']*)/gi;

export function maskText(text: string): string {
  let out = text;
  const secrets = [...knownSecrets].sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return (
    out
      .replace(URL_USERINFO, `$1${MASK}$3`)
      .replace(BEARER, `$1${MASK}`)
      // A quoted value keeps its quotes (JSON stays JSON), which also makes masking idempotent.
      .replace(KEY_VALUE, (_m, key: string, value: string) => {
        const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
        return `${key}${quote}${MASK}${quote}`;
      })
  );
}

/** Masks every string inside a value; fields whose name denotes a secret are replaced whole. */
export function maskDeep<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

/** `ancestors`: the objects on the path from the root, so only a real cycle is cut, not a shared reference. */
function walk(value: unknown, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value instanceof Error) return maskText(value.message);
  if (value instanceof Date) return new Date(value.getTime());
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, ancestors));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretName(key) && item !== undefined && item !== null && item !== '' ? MASK : walk(item, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
