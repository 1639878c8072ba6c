/**
 * Small edits of the reference pipeline's CSV objects (plain CSV: no quoted fields, one record
 * per line), to break them on purpose.
 */

function split(text: string): { header: string[]; rows: string[][]; trailing: string } {
  const trailing = text.endsWith('\n') ? '\n' : '';
  const [head = '', ...rest] = text.slice(0, text.length - trailing.length).split('\n');
  return { header: head.split(','), rows: rest.map((line) => line.split(',')), trailing };
}

function join(header: string[], rows: string[][], trailing: string): string {
  return [header, ...rows].map((cells) => cells.join(',')).join('\n') + trailing;
}

function indexOf(header: string[], column: string): number {
  const index = header.indexOf(column);
  if (index < 0) throw new Error(`column ${column} not in the header (${header.join(', ')})`);
  return index;
}

/** The CSV without one column. */
export function dropColumn(text: string, column: string): string {
  const { header, rows, trailing } = split(text);
  const index = indexOf(header, column);
  const without = (cells: string[]) => cells.filter((_, i) => i !== index);
  return join(without(header), rows.map(without), trailing);
}

/** The CSV with one cell replaced; `row` counts data rows from 1 (the validator's numbering). */
export function setCell(text: string, row: number, column: string, value: string): string {
  const { header, rows, trailing } = split(text);
  const index = indexOf(header, column);
  const target = rows[row - 1];
  if (!target) throw new Error(`no data row ${row} (${rows.length} rows)`);
  target[index] = value;
  return join(header, rows, trailing);
}
