import { describe, expect, it } from 'vitest';
import { byId, descendants, hasClass, parseStrictHtml, textOf } from './strict-html.js';

const page = (body: string) =>
  `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><style>a>b{}</style></head><body>${body}</body></html>\n`;

describe('parseStrictHtml', () => {
  it('accepts well-formed HTML and gives a tree to query', () => {
    const { root, problems } = parseStrictHtml(
      page(
        '<div id="t"><span class="bar x" data-id="a&amp;b">1 &lt; 2</span><br><details open><summary>s</summary></details></div>',
      ),
    );
    expect(problems).toEqual([]);
    const t = byId(root, 't');
    const bar = descendants(t!).find((e) => hasClass(e, 'bar'));
    expect(bar?.attrs['data-id']).toBe('a&b');
    expect(textOf(bar!)).toBe('1 < 2');
    expect(descendants(root).find((e) => e.tag === 'details')?.attrs.open).toBe('');
  });

  it.each([
    ['an unclosed element', '<div><span></div>', '</div> closes <span>'],
    ['a stray end tag', '</p>', '</p> closes <body>'],
    ['a bare <', '<p>1 < 2</p>', 'bare "<"'],
    ['a bare >', '<p>a > b</p>', 'bare ">"'],
    ['a bare &', '<p>Q&A</p>', '"&" that is not an entity'],
    ['an unquoted attribute', '<p class=x>y</p>', 'malformed attribute'],
    ['a repeated attribute', '<p class="a" class="b">y</p>', 'attribute class repeated'],
    ['a < in an attribute', '<p title="<b>">y</p>', 'unescaped < or >'],
    ['a duplicate id', '<p id="a">1</p><p id="a">2</p>', 'duplicate id "a"'],
    ['an injected script end', '<pre></script></pre>', '</script> closes <pre>'],
  ])('reports %s', (_what, body, problem) => {
    const { problems } = parseStrictHtml(page(body));
    expect(problems.join('\n')).toContain(problem);
  });

  it('requires the doctype, one html root and every element closed', () => {
    expect(parseStrictHtml('<html><body></body></html>').problems).toContain(
      'the document does not start with <!DOCTYPE html>',
    );
    expect(parseStrictHtml('<!DOCTYPE html><html><body>').problems).toEqual([
      '<html> is never closed',
      '<body> is never closed',
    ]);
    expect(parseStrictHtml('<!DOCTYPE html><html></html><p>x</p>').problems).toContain(
      'the document does not have exactly one <html> root',
    );
  });
});
