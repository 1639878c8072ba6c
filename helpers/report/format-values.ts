/**
 * Values as a person reads them in the proof pack. Pure and locale-free: the same report renders
 * to the same bytes on every machine and in every time zone (the saved page must be reproducible).
 */

/** `0.1 ms`, `12.3 ms`, `205 ms`, `4.2 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${trimZero(ms < 100 ? ms.toFixed(1) : Math.round(ms).toString())} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/** `445 B`, `217.0 KiB`, `1.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Integers as they are; other numbers to at most four decimals (`3.1370482884` → `3.137`). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const rounded = Number(value.toFixed(4));
  // A tiny non-zero value should not read as 0.
  return rounded === 0 ? value.toPrecision(2) : String(rounded);
}

/** `2026-11-26T08:29:04.594Z` → `2026-11-26 08:29:04 UTC`; text that is not a date is returned as is. */
export function formatTimestamp(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}

function trimZero(text: string): string {
  return text.replace(/\.0$/, '');
}
