/**
 * A deliberately strict reader of the HTML the proof pack writes, for its tests (no parser
 * dependency): every element closed explicitly and in order (void elements excepted), attributes
 * quoted and never repeated, no bare `<` or `>` in text or attribute values, every `&` a known
 * entity, ids unique. Browsers forgive all of these; a renderer that produces them has an
 * escaping bug, which is what the tests look for. Returns a tree to query, and the problems.
 */

export interface HtmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}

export type HtmlNode = HtmlElement | string;

export interface ParsedHtml {
  root: HtmlElement;
  problems: string[];
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'wbr']);
const RAW_TEXT = new Set(['script', 'style']);
const ENTITY = /^&(?:amp|lt|gt|quot|#39|#\d+|#x[0-9a-f]+|nbsp);/i;
const NAME = /^[a-z][a-z0-9-]*/;
const ATTRIBUTE = /^([a-z_:][a-z0-9_:.-]*)(?:="([^"]*)"|='([^']*)')?/i;

export function parseStrictHtml(html: string): ParsedHtml {
  const problems: string[] = [];
  const root: HtmlElement = { tag: '#document', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const ids = new Set<string>();
  const top = () => stack[stack.length - 1] as HtmlElement;
  const where = (at: number) => {
    const line = html.slice(0, at).split('\n').length;
    return `line ${line}: ${JSON.stringify(html.slice(at, at + 40))}`;
  };
  let i = 0;

  if (!/^<!DOCTYPE html>/i.test(html)) problems.push('the document does not start with <!DOCTYPE html>');
  else i = '<!DOCTYPE html>'.length;

  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > i) {
      checkText(html.slice(i, textEnd), i);
      top().children.push(decode(html.slice(i, textEnd)));
    }
    if (lt === -1) break;
    i = lt;
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i);
      if (end === -1) {
        problems.push(`unterminated comment at ${where(i)}`);
        break;
      }
      i = end + 3;
      continue;
    }
    if (html.startsWith('</', i)) {
      const name = NAME.exec(html.slice(i + 2))?.[0];
      const close = html.indexOf('>', i);
      if (!name || close === -1 || html.slice(i + 2 + name.length, close).trim() !== '') {
        problems.push(`malformed end tag at ${where(i)}`);
        i += 2;
        continue;
      }
      if (top().tag !== name) {
        problems.push(`</${name}> closes <${top().tag}> at ${where(i)}`);
        // Recover: pop to the matching element when there is one.
        const at = stack.map((e) => e.tag).lastIndexOf(name);
        if (at > 0) stack.length = at;
      } else {
        stack.pop();
      }
      i = close + 1;
      continue;
    }
    const name = NAME.exec(html.slice(i + 1))?.[0];
    if (!name) {
      problems.push(`bare "<" at ${where(i)}`);
      top().children.push('<');
      i += 1;
      continue;
    }
    const element: HtmlElement = { tag: name, attrs: {}, children: [] };
    let j = i + 1 + name.length;
    let closed = false;
    while (j < html.length) {
      const space = /^\s*/.exec(html.slice(j))?.[0].length ?? 0;
      j += space;
      if (html[j] === '>') {
        closed = true;
        j += 1;
        break;
      }
      if (html.startsWith('/>', j)) {
        problems.push(`self-closing syntax on <${name}> at ${where(i)}`);
        closed = true;
        j += 2;
        break;
      }
      const attr = space > 0 ? ATTRIBUTE.exec(html.slice(j)) : null;
      if (!attr) {
        problems.push(`malformed attribute in <${name}> at ${where(j)}`);
        break;
      }
      const key = (attr[1] as string).toLowerCase();
      const value = attr[2] ?? attr[3] ?? '';
      if (key in element.attrs) problems.push(`attribute ${key} repeated in <${name}> at ${where(i)}`);
      if (/[<>]/.test(value)) problems.push(`unescaped < or > in attribute ${key} of <${name}> at ${where(j)}`);
      checkAmpersands(value, j);
      element.attrs[key] = decode(value);
      j += attr[0].length;
    }
    if (!closed) {
      problems.push(`unterminated <${name}> tag at ${where(i)}`);
      break;
    }
    const id = element.attrs.id;
    if (id !== undefined) {
      if (ids.has(id)) problems.push(`duplicate id "${id}"`);
      ids.add(id);
    }
    top().children.push(element);
    i = j;
    if (VOID.has(name)) continue;
    if (RAW_TEXT.has(name)) {
      const end = html.indexOf(`</${name}>`, i);
      if (end === -1) {
        problems.push(`unterminated <${name}> at ${where(i)}`);
        break;
      }
      element.children.push(html.slice(i, end));
      i = end + name.length + 3;
      continue;
    }
    stack.push(element);
  }
  for (const open of stack.slice(1)) problems.push(`<${open.tag}> is never closed`);
  const roots = root.children.filter((c): c is HtmlElement => typeof c !== 'string');
  if (roots.length !== 1 || roots[0]?.tag !== 'html')
    problems.push('the document does not have exactly one <html> root');
  if (root.children.some((c) => typeof c === 'string' && c.trim() !== ''))
    problems.push('text outside the <html> element');
  return { root, problems };

  function checkText(text: string, at: number): void {
    if (text.includes('>')) problems.push(`bare ">" in text at ${where(at + text.indexOf('>'))}`);
    checkAmpersands(text, at);
  }

  function checkAmpersands(text: string, at: number): void {
    for (let k = text.indexOf('&'); k !== -1; k = text.indexOf('&', k + 1)) {
      if (!ENTITY.test(text.slice(k))) problems.push(`"&" that is not an entity at ${where(at + k)}`);
    }
  }
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

/** Every element below `node`, depth first, in document order. */
export function descendants(node: HtmlElement): HtmlElement[] {
  const out: HtmlElement[] = [];
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    out.push(child, ...descendants(child));
  }
  return out;
}

export function byId(node: HtmlElement, id: string): HtmlElement | undefined {
  return descendants(node).find((e) => e.attrs.id === id);
}

export function hasClass(element: HtmlElement, name: string): boolean {
  return (element.attrs.class ?? '').split(/\s+/).includes(name);
}

/** The text content of an element, entities decoded. */
export function textOf(node: HtmlNode): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
