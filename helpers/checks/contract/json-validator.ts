import type { JsonShape, JsonTypeSpec } from './contract-schema.js';

/** One field of a JSON document that does not have the contract's shape. */
export interface JsonProblem {
  /** Dotted path from the document's root: `metrics.rmse`. */
  path: string;
  expected: string;
  /** `missing`, or the type seen (with the value when it is short). */
  seen: string;
}

/**
 * Checks a parsed JSON document against a contract shape: every required field present with its
 * type, nested objects recursively. Every problem is listed (not only the first), so one run
 * shows all that a writer got wrong. Extra fields are allowed: the contract names what readers need.
 */
export function validateJsonShape(document: unknown, shape: JsonShape): JsonProblem[] {
  const problems: JsonProblem[] = [];
  if (!isObject(document)) {
    problems.push({ path: '(document)', expected: 'an object', seen: describe(document) });
    return problems;
  }
  walk(document, shape.required, '', problems);
  return problems;
}

/** `metrics.rmse: expected number, saw string "0.4"` */
export function formatJsonProblem(p: JsonProblem): string {
  return `${p.path}: expected ${p.expected}, saw ${p.seen}`;
}

function walk(value: Record<string, unknown>, spec: Record<string, JsonTypeSpec>, prefix: string, out: JsonProblem[]) {
  for (const [field, expected] of Object.entries(spec)) {
    const path = prefix === '' ? field : `${prefix}.${field}`;
    if (!Object.hasOwn(value, field)) {
      out.push({ path, expected: typeof expected === 'string' ? expected : 'object', seen: 'missing' });
      continue;
    }
    const actual = value[field];
    if (typeof expected !== 'string') {
      if (isObject(actual)) walk(actual, expected, path, out);
      else out.push({ path, expected: 'object', seen: describe(actual) });
      continue;
    }
    if (!matches(actual, expected)) out.push({ path, expected, seen: describe(actual) });
  }
}

function matches(value: unknown, type: Exclude<JsonTypeSpec, Record<string, unknown>>): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}
