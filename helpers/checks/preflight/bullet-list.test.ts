import { describe, expect, it } from 'vitest';
import { bulletList, firstLine } from './bullet-list.js';

describe('bulletList', () => {
  it('puts each item on its own indented line under the heading', () => {
    expect(bulletList('2 problems', ['a: missing', 'b: wrong'])).toBe('2 problems:\n  - a: missing\n  - b: wrong');
  });
});

describe('firstLine', () => {
  it('keeps a one-line message as it is', () => {
    expect(firstLine('pipeline package not found: x.yaml')).toBe('pipeline package not found: x.yaml');
  });

  it('joins a list heading with its first item', () => {
    expect(firstLine(bulletList('x is not valid (2 problems)', ['a: missing', 'b: wrong']))).toBe(
      'x is not valid (2 problems); first: a: missing',
    );
  });
});
