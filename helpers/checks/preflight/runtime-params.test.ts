import { describe, expect, it } from 'vitest';
import {
  closestName,
  coerceParamValue,
  editDistance,
  parseParamEntries,
  parseParamList,
  splitParamList,
} from './runtime-params.js';

describe('parseParamEntries', () => {
  it('splits at the first "=", keeping empty values and "=" inside values', () => {
    expect(parseParamEntries(['epochs=3', 'label=', 'query=a=b', ' rate =0.5'])).toEqual({
      params: { epochs: '3', label: '', query: 'a=b', rate: '0.5' },
      errors: [],
    });
  });

  it('reports each malformed entry and keeps the good ones', () => {
    expect(parseParamEntries(['epochs', '=3', 'my-param=1', 'epochs=3', 'epochs=5', 'rate=0.1'])).toEqual({
      params: { epochs: '3', rate: '0.1' },
      errors: [
        '"epochs": expected key=value',
        '"=3": the name before "=" is empty',
        '"my-param=1": "my-param" is not a parameter name (letters, digits and underscores)',
        '"epochs" is given twice ("3" and "5")',
      ],
    });
  });

  it('does not treat inherited object properties as given', () => {
    expect(parseParamEntries(['constructor=1', 'toString=2']).params).toEqual({ constructor: '1', toString: '2' });
  });
});

describe('splitParamList', () => {
  it('splits on commas that start a new name=', () => {
    expect(splitParamList('epochs=3, tags=["a","b"],extra={"x":1,"y":2},note=a,b')).toEqual([
      'epochs=3',
      'tags=["a","b"]',
      'extra={"x":1,"y":2}',
      'note=a,b',
    ]);
  });

  it('gives nothing for an empty or blank list', () => {
    expect(splitParamList('')).toEqual([]);
    expect(splitParamList('  ')).toEqual([]);
    expect(parseParamList(undefined)).toEqual({ params: {}, errors: [] });
  });

  it('reports a malformed entry from the list', () => {
    expect(parseParamList('rate').errors).toEqual(['"rate": expected key=value']);
    expect(parseParamList('=3,epochs=1')).toEqual({
      params: { epochs: '1' },
      errors: ['"=3": the name before "=" is empty'],
    });
  });

  it('keeps a piece without "=" in the value before it, for the type check to judge', () => {
    expect(parseParamList('epochs=3,rate')).toEqual({ params: { epochs: '3,rate' }, errors: [] });
  });
});

describe('coerceParamValue', () => {
  it.each([
    ['STRING', 'anything at all', 'anything at all'],
    ['STRING', '', ''],
    ['NUMBER_INTEGER', '42', 42],
    ['NUMBER_INTEGER', '-7', -7],
    ['NUMBER_DOUBLE', '0.5', 0.5],
    ['NUMBER_DOUBLE', '1e-3', 0.001],
    ['NUMBER_DOUBLE', '3', 3],
    ['BOOLEAN', 'true', true],
    ['BOOLEAN', 'False', false],
    ['LIST', '["a", 1]', ['a', 1]],
    ['LIST', '[]', []],
    ['STRUCT', '{"k": {"n": 1}}', { k: { n: 1 } }],
  ] as const)('%s accepts %j', (type, raw, value) => {
    expect(coerceParamValue(raw, type)).toEqual({ ok: true, value });
  });

  it.each([
    ['NUMBER_INTEGER', 'three', 'a whole number such as 42'],
    ['NUMBER_INTEGER', '3.5', 'a whole number such as 42'],
    ['NUMBER_INTEGER', '', 'a whole number such as 42'],
    ['NUMBER_INTEGER', '9007199254740993', 'an integer within ±(2^53 - 1)'],
    ['NUMBER_DOUBLE', 'NaN', 'a number such as 0.5 or 1e-3'],
    ['NUMBER_DOUBLE', 'Infinity', 'a number such as 0.5 or 1e-3'],
    ['NUMBER_DOUBLE', '0x10', 'a number such as 0.5 or 1e-3'],
    ['BOOLEAN', 'yes', 'true or false'],
    ['BOOLEAN', '1', 'true or false'],
    ['LIST', 'a,b', 'a JSON list such as ["a","b"]'],
    ['LIST', '{"a":1}', 'a JSON list such as ["a","b"]'],
    ['STRUCT', '[1]', 'a JSON object such as {"key":1}'],
    ['STRUCT', 'null', 'a JSON object such as {"key":1}'],
  ] as const)('%s rejects %j', (type, raw, expected) => {
    expect(coerceParamValue(raw, type)).toEqual({ ok: false, expected });
  });
});

describe('closestName', () => {
  it('suggests a near name and nothing for a far one', () => {
    expect(editDistance('epoch', 'epochs')).toBe(1);
    expect(closestName('epoch', ['epochs', 'learning_rate'])).toBe('epochs');
    expect(closestName('Learning_Rate', ['epochs', 'learning_rate'])).toBe('learning_rate');
    expect(closestName('batch_size', ['epochs', 'learning_rate'])).toBeUndefined();
  });
});
