import { invalidArgument } from './grpc-status.js';

/**
 * Decodes a request body the way the KFP server's grpc-gateway does (golang jsonpb with unknown
 * fields not allowed): every field must be known to the message, by its proto name
 * (`display_name`) or its JSON name (`displayName`); `null` means "not set"; enums come as names
 * or numbers; values must have the field's type. Anything else is INVALID_ARGUMENT. The result
 * is keyed by proto names, with set fields only.
 */

export type FieldType =
  | { kind: 'string' | 'bool' | 'int32' | 'int64' | 'timestamp' | 'struct' | 'value' | 'value-map' | 'opaque' }
  | { kind: 'enum'; values: Readonly<Record<string, number>> }
  | { kind: 'message'; message: MessageDescriptor };

export interface FieldDescriptor {
  name: string;
  /** Defaults to the lowerCamelCase of `name`. */
  jsonName?: string;
  type: FieldType;
  repeated?: boolean;
  /** Members of one oneof may not be set together. */
  oneof?: string;
}

export interface MessageDescriptor {
  /** Full name as the real server's messages print it, e.g. `v2beta1.Experiment`. */
  name: string;
  fields: readonly FieldDescriptor[];
}

export type Decoded = Record<string, unknown>;

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Parses the body text; an empty body is an empty message (grpc-gateway treats EOF so). */
export function decodeJsonBody(text: string, descriptor: MessageDescriptor): Decoded {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`invalid JSON in request body for ${descriptor.name}: ${(error as Error).message}`);
  }
  return decodeMessage(value, descriptor, descriptor.name);
}

export function decodeMessage(value: unknown, descriptor: MessageDescriptor, path: string): Decoded {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(`${path}: expected a JSON object for ${descriptor.name}, got ${typeName(value)}`);
  }
  const byKey = new Map<string, FieldDescriptor>();
  for (const field of descriptor.fields) {
    byKey.set(field.name, field);
    byKey.set(field.jsonName ?? camel(field.name), field);
  }
  const out: Decoded = {};
  const oneofs = new Map<string, string>();
  for (const [key, raw] of Object.entries(value)) {
    const field = byKey.get(key);
    if (!field) throw invalidArgument(`unknown field "${key}" in ${descriptor.name}`);
    if (raw === null) continue;
    if (field.name in out) throw invalidArgument(`field "${field.name}" of ${descriptor.name} is given twice`);
    if (field.oneof) {
      const other = oneofs.get(field.oneof);
      if (other) {
        throw invalidArgument(
          `fields "${other}" and "${field.name}" of ${descriptor.name} are both set, but only one of oneof ${field.oneof} may be`,
        );
      }
      oneofs.set(field.oneof, field.name);
    }
    const fieldPath = `${path}.${field.name}`;
    if (field.repeated) {
      if (!Array.isArray(raw)) throw invalidArgument(`${fieldPath}: expected a list, got ${typeName(raw)}`);
      out[field.name] = raw.map((item, i) => decodeValue(item, field.type, `${fieldPath}[${i}]`));
    } else {
      out[field.name] = decodeValue(raw, field.type, fieldPath);
    }
  }
  return out;
}

function decodeValue(raw: unknown, type: FieldType, path: string): unknown {
  const wrong = (expected: string) => invalidArgument(`${path}: expected ${expected}, got ${typeName(raw)}`);
  switch (type.kind) {
    case 'string':
      if (typeof raw !== 'string') throw wrong('a string');
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') throw wrong('true or false');
      return raw;
    case 'int32':
    case 'int64': {
      const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw wrong('an integer');
      if (type.kind === 'int32' && (n < -(2 ** 31) || n >= 2 ** 31)) throw wrong('a 32-bit integer');
      return n;
    }
    case 'timestamp': {
      if (typeof raw !== 'string' || !RFC3339.test(raw) || Number.isNaN(Date.parse(raw))) {
        throw wrong('an RFC 3339 timestamp such as "2024-01-01T00:00:00Z"');
      }
      return new Date(raw);
    }
    case 'enum': {
      if (typeof raw === 'string' && raw in type.values) return raw;
      if (typeof raw === 'number') {
        const name = Object.entries(type.values).find(([, n]) => n === raw)?.[0];
        if (name) return name;
      }
      throw invalidArgument(
        `${path}: invalid enum value ${JSON.stringify(raw)}; expected one of ${Object.keys(type.values).join(', ')}`,
      );
    }
    case 'struct':
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw wrong('a JSON object');
      return raw;
    case 'value-map':
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw wrong('a JSON object');
      return raw;
    case 'value':
    case 'opaque':
      return raw;
    case 'message':
      return decodeMessage(raw, type.message, path);
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
