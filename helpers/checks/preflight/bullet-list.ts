/**
 * The shape of every multi-problem message of the preflight checks: a heading ending in a colon,
 * then one `  - item` line per problem. `firstLine` reads it back as one line for skip reasons.
 */
export function bulletList(heading: string, items: readonly string[]): string {
  return `${heading}:\n${items.map((item) => `  - ${item}`).join('\n')}`;
}

/** One line of a possibly multi-line message: its head, plus the first item when the head introduces a list. */
export function firstLine(message: string): string {
  const [head = message, first] = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (!head.endsWith(':') || first === undefined) return head;
  return `${head.slice(0, -1)}; first: ${first.replace(/^- /, '')}`;
}
