import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatNumber, formatTimestamp } from './format-values.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [0.1, '0.1 ms'],
    [4, '4 ms'],
    [13.8, '13.8 ms'],
    [205.3, '205 ms'],
    [1500, '1.5 s'],
    [41_138, '41.1 s'],
    [125_000, '2 min 05 s'],
    [3_720_000, '1 h 02 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('shows a dash for what is not a duration', () => {
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('formatBytes', () => {
  it.each([
    [445, '445 B'],
    [222_112, '216.9 KiB'],
    [5 * 1024 * 1024, '5.0 MiB'],
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatNumber', () => {
  it('keeps integers and rounds other numbers to four decimals, never to a misleading 0', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(3.1370482884098503)).toBe('3.137');
    expect(formatNumber(0.8990163879269963)).toBe('0.899');
    expect(formatNumber(0.0000123)).toBe('0.000012');
  });
});

describe('formatTimestamp', () => {
  it('writes UTC whatever the local time zone, and leaves non-dates alone', () => {
    expect(formatTimestamp('2026-11-26T08:29:04.594Z')).toBe('2026-11-26 08:29:04 UTC');
    expect(formatTimestamp('2026-11-26T09:29:04+01:00')).toBe('2026-11-26 08:29:04 UTC');
    expect(formatTimestamp('yesterday')).toBe('yesterday');
  });
});
