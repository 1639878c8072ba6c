/**
 * Proto3 JSON as the KFP API server writes it (grpc-gateway's marshaller with original field
 * names and default values left out): a field holding its default — empty string, 0, false,
 * empty list or map, unset message — is not in the output at all.
 */

/** google.protobuf.Timestamp in JSON: RFC 3339 in UTC, fraction only when there is one. */
export function protoTimestamp(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** The Unix epoch: KFP reports a run that has not finished with this `finished_at`. */
export const EPOCH = new Date(0);

/** Whole seconds: the KFP server keeps its timestamps in seconds (CreatedAtInSec and friends). */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** int64 fields travel as JSON strings in proto3 JSON. */
export function int64(value: number | bigint | string): string {
  return String(value);
}

function isDefault(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/**
 * One message's fields without the defaults. Only this level is compacted: nested messages are
 * built with `message()` themselves, and Struct/Value contents (pipeline_spec, parameters) keep
 * every value, as protobuf does.
 */
export function message(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!isDefault(value)) out[key] = value;
  }
  return out;
}

/** A map field: left out when empty. */
export function mapField<T>(map: Record<string, T> | undefined): Record<string, T> | undefined {
  return map && Object.keys(map).length > 0 ? map : undefined;
}
