import { describe, expect, it } from 'vitest';
import { EPOCH, int64, mapField, message, protoTimestamp, wholeSeconds } from './proto-json.js';

describe('protoTimestamp', () => {
  it('is RFC 3339 in UTC, without a fraction when there is none', () => {
    expect(protoTimestamp(new Date('2024-05-01T10:20:30.000Z'))).toBe('2024-05-01T10:20:30Z');
    expect(protoTimestamp(new Date('2024-05-01T10:20:30.120Z'))).toBe('2024-05-01T10:20:30.120Z');
    expect(protoTimestamp(EPOCH)).toBe('1970-01-01T00:00:00Z');
  });

  it('wholeSeconds drops the milliseconds', () => {
    expect(wholeSeconds(new Date('2024-05-01T10:20:30.999Z')).toISOString()).toBe('2024-05-01T10:20:30.000Z');
  });
});

describe('message', () => {
  it('leaves out default values of its own fields only', () => {
    expect(
      message({ a: '', b: 0, c: false, d: [], e: undefined, f: null, g: 'x', h: 1, i: true, j: {}, k: [0] }),
    ).toEqual({ g: 'x', h: 1, i: true, j: {}, k: [0] });
  });

  it('does not touch nested Struct contents', () => {
    expect(message({ spec: { empty: '', zero: 0, list: [] } })).toEqual({ spec: { empty: '', zero: 0, list: [] } });
  });

  it('int64 is a string; empty maps are left out', () => {
    expect(int64(12)).toBe('12');
    expect(mapField({})).toBeUndefined();
    expect(mapField({ a: 1 })).toEqual({ a: 1 });
  });
});
