import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type LoadResult, lineColumn, loadPackage, parseJson, parsePackage } from './load-package.js';
import { fixture } from './test-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function failure(result: LoadResult) {
  if (result.ok) throw new Error(`expected a failure, got ${result.syntax} with ${result.documents.length} documents`);
  return result;
}

describe('loadPackage', () => {
  it('reads both documents of the v2 fixture', () => {
    const result = loadPackage(fixture('minimal-v2.yaml'));
    expect(result).toMatchObject({ ok: true, syntax: 'yaml' });
    if (!result.ok) return;
    expect(result.documents).toHaveLength(2);
    expect(result.documents[1]).toHaveProperty('platforms.kubernetes');
  });

  it('says a missing file is missing and how to produce one', () => {
    const result = failure(loadPackage(join(dir, 'nope.yaml')));
    expect(result.problem).toBe('missing');
    expect(result.error).toBe(`pipeline package not found: ${join(dir, 'nope.yaml')}`);
    expect(result.hint).toContain('kfp dsl compile --py pipeline.py --output pipeline.yaml');
  });

  it('treats a path below a regular file as missing', () => {
    const file = write('plain.yaml', 'a: 1\n');
    expect(failure(loadPackage(join(file, 'child.yaml'))).problem).toBe('missing');
  });

  it('says a directory is not a file', () => {
    const result = failure(loadPackage(dir));
    expect(result.problem).toBe('not-a-file');
    expect(result.error).toBe(`pipeline package ${dir} is a directory, not a file`);
  });

  it('says the empty fixture is empty', () => {
    const result = failure(loadPackage(fixture('empty.yaml')));
    expect(result.problem).toBe('empty');
    expect(result.error).toMatch(/empty\.yaml is empty \(0 bytes\)$/);
  });

  it('calls whitespace-only and comment-only files empty too', () => {
    expect(failure(loadPackage(write('blank.yaml', '\n  \n'))).error).toMatch(/is empty \(4 bytes of whitespace\)$/);
    const comments = failure(loadPackage(write('comments.yaml', '# nothing here\n---\n# still nothing\n')));
    expect(comments.problem).toBe('empty');
    expect(comments.error).toMatch(/has no YAML content \(only comments or document markers\)$/);
  });

  it('gives the line and column of invalid YAML', () => {
    const result = failure(loadPackage(fixture('invalid.yaml')));
    expect(result.problem).toBe('invalid-yaml');
    expect(result.error).toBe(
      `pipeline package ${fixture('invalid.yaml')} is not valid YAML at line 7, column 1: ` +
        'Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(result.evidence).toMatchObject({ line: 7, column: 1, code: 'BAD_INDENT' });
  });

  it('rejects duplicate keys as invalid YAML', () => {
    const result = failure(loadPackage(write('dup.yaml', 'pipelineInfo:\n  name: a\npipelineInfo:\n  name: b\n')));
    expect(result.problem).toBe('invalid-yaml');
    expect(result.error).toMatch(/at line 3, column 1: Map keys must be unique$/);
  });

  it('reads a JSON file as JSON', () => {
    const result = loadPackage(fixture('v2-as-json.json'));
    expect(result).toMatchObject({ ok: true, syntax: 'json' });
  });

  it('detects JSON content in a .yaml file', () => {
    expect(loadPackage(write('json-in-yaml.yaml', '{"pipelineInfo": {"name": "x"}}'))).toMatchObject({
      ok: true,
      syntax: 'json',
    });
  });

  it('reads YAML flow style that merely starts with a brace as YAML', () => {
    expect(loadPackage(write('flow.yaml', '{pipelineInfo: {name: x}}\n'))).toMatchObject({
      ok: true,
      syntax: 'yaml',
      documents: [{ pipelineInfo: { name: 'x' } }],
    });
  });

  it('gives the line and column of broken JSON in a .json file', () => {
    const result = failure(loadPackage(write('broken.json', '{\n  "a": 1,\n}\n')));
    expect(result.problem).toBe('invalid-json');
    expect(result.error).toMatch(/broken\.json is not valid JSON at line 3, column 1: /);
  });

  it('passes archives on, unparsed, for the format check to name', () => {
    expect(loadPackage(write('v1.tar.gz', gzipSync('apiVersion: argoproj.io/v1alpha1\n')))).toMatchObject({
      ok: true,
      syntax: 'archive',
      archive: 'gzip',
      documents: [],
    });
    expect(parsePackage(Buffer.from('PK\u0003\u0004rest'), 'p.zip')).toMatchObject({ ok: true, archive: 'zip' });
  });

  it('says a binary file is not YAML text', () => {
    const result = failure(parsePackage(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]), 'a.out'));
    expect(result).toMatchObject({
      problem: 'binary',
      error: 'pipeline package a.out is a binary file, not YAML text',
    });
  });

  it('ignores a byte-order mark and drops empty documents', () => {
    const result = parsePackage(Buffer.from('\uFEFFa: 1\n---\n---\nb: 2\n'), 'bom.yaml');
    expect(result).toMatchObject({ ok: true, documents: [{ a: 1 }, { b: 2 }] });
  });
});

describe('parseJson', () => {
  it('turns the error offset into a line and column', () => {
    expect(parseJson('{\n  "a": 1,\n}')).toEqual({
      ok: false,
      message: 'Expected double-quoted property name',
      line: 3,
      column: 1,
    });
  });

  it('leaves the position out, and the quoted input too, when the engine gives none', () => {
    const result = parseJson('{\n  "a": tru\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).not.toContain('"a"');
    if (result.line === undefined) expect(result.message).toMatch(/^Unexpected token/);
    else expect(result.line).toBe(2);
  });
});

describe('lineColumn', () => {
  it('counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
