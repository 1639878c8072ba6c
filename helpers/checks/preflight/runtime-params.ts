import type { ParameterType } from './ir-schema.js';

/**
 * Runtime parameters as the user gives them: `key=value` strings, from repeated `--param` flags or
 * from one comma-separated environment variable. Values stay strings here; `coerceParamValue`
 * turns one into the value its declared type needs.
 */
export interface ParsedParams {
  params: Record<string, string>;
  /** One line per malformed entry; empty when every entry parsed. */
  errors: string[];
}

const KEY = /^[A-Za-z_]\w*$/;

/** Parses `key=value` entries. The value is everything after the first `=`, and may be empty. */
export function parseParamEntries(entries: readonly string[]): ParsedParams {
  const params: Record<string, string> = {};
  const errors: string[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq === -1) {
      errors.push(`${JSON.stringify(entry)}: expected key=value`);
      continue;
    }
    const key = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1);
    if (key === '') {
      errors.push(`${JSON.stringify(entry)}: the name before "=" is empty`);
      continue;
    }
    if (!KEY.test(key)) {
      errors.push(`${JSON.stringify(entry)}: "${key}" is not a parameter name (letters, digits and underscores)`);
      continue;
    }
    if (Object.hasOwn(params, key)) {
      errors.push(
        `${JSON.stringify(key)} is given twice (${JSON.stringify(params[key])} and ${JSON.stringify(value)})`,
      );
      continue;
    }
    params[key] = value;
  }
  return { params, errors };
}

/**
 * Splits a comma-separated list such as `epochs=3,tags=["a","b"],extra={"x":1,"y":2}`. A comma
 * separates entries only where the next entry starts with `name=`, so commas inside JSON values
 * (LIST and STRUCT parameters) stay part of the value.
 */
export function splitParamList(list: string): string[] {
  if (list.trim() === '') return [];
  return list.split(/,(?=\s*[A-Za-z_][\w.-]*=)/).map((entry) => entry.trim());
}

/** `E2E_PARAMS`-style input: undefined or empty means no parameters. */
export function parseParamList(list: string | undefined): ParsedParams {
  return parseParamEntries(splitParamList(list ?? ''));
}

export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The typed value of a raw string for a parameter of `type`, or what was expected. Integers must
 * be JavaScript-safe (KFP stores NUMBER_INTEGER in a double); LIST and STRUCT are JSON.
 */
export function coerceParamValue(raw: string, type: ParameterType): Coerced {
  const text = raw.trim();
  switch (type) {
    case 'STRING':
      return { ok: true, value: raw };
    case 'NUMBER_INTEGER': {
      const value = Number(text);
      if (!INTEGER.test(text)) return { ok: false, expected: 'a whole number such as 42' };
      if (!Number.isSafeInteger(value)) return { ok: false, expected: 'an integer within ±(2^53 - 1)' };
      return { ok: true, value };
    }
    case 'NUMBER_DOUBLE':
      return DOUBLE.test(text) && Number.isFinite(Number(text))
        ? { ok: true, value: Number(text) }
        : { ok: false, expected: 'a number such as 0.5 or 1e-3' };
    case 'BOOLEAN': {
      const lower = text.toLowerCase();
      return lower === 'true' || lower === 'false'
        ? { ok: true, value: lower === 'true' }
        : { ok: false, expected: 'true or false' };
    }
    case 'LIST': {
      const value = tryJson(text);
      return Array.isArray(value) ? { ok: true, value } : { ok: false, expected: 'a JSON list such as ["a","b"]' };
    }
    case 'STRUCT': {
      const value = tryJson(text);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { ok: true, value }
        : { ok: false, expected: 'a JSON object such as {"key":1}' };
    }
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Levenshtein distance, for "did you mean" on unknown parameter names. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest known name within a third of its length, if any. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}
