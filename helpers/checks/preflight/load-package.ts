import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Reads a pipeline package file into its documents. Every way this can go wrong is a distinct
 * `problem` with a message that names the file and what was seen; nothing here throws.
 */
export type ReadProblem =
  | 'missing'
  | 'not-a-file'
  | 'unreadable'
  | 'empty'
  | 'binary'
  | 'invalid-yaml'
  | 'invalid-json';

/** `archive`: a gzip or zip file, as the KFP v1 compiler wrote; its documents are not read. */
export type PackageSyntax = 'yaml' | 'json' | 'archive';

export interface LoadedPackage {
  ok: true;
  path: string;
  bytes: number;
  syntax: PackageSyntax;
  archive?: 'gzip' | 'zip';
  /** The non-empty documents, as plain JS values, in file order. */
  documents: unknown[];
}

export interface UnreadablePackage {
  ok: false;
  path: string;
  problem: ReadProblem;
  error: string;
  hint: string;
  evidence: Record<string, unknown>;
}

export type LoadResult = LoadedPackage | UnreadablePackage;

export const COMPILE_COMMAND = 'kfp dsl compile --py pipeline.py --output pipeline.yaml';

export function loadPackage(path: string): LoadResult {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return unreadable(
        path,
        'missing',
        `pipeline package not found: ${path}`,
        `set PIPELINE_PACKAGE (or --pipeline) to a compiled KFP v2 package; compile one with \`${COMPILE_COMMAND}\``,
        { code },
      );
    }
    return unreadable(
      path,
      'unreadable',
      `cannot read pipeline package ${path}: ${code ?? String(error)}`,
      'check the path and its permissions',
      {
        code,
      },
    );
  }
  if (!isFile) {
    return unreadable(
      path,
      'not-a-file',
      `pipeline package ${path} is a directory, not a file`,
      'point PIPELINE_PACKAGE (or --pipeline) at the compiled .yaml file itself',
    );
  }
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return unreadable(
      path,
      'unreadable',
      `cannot read pipeline package ${path}: ${code ?? String(error)}`,
      'check the file permissions',
      {
        code,
      },
    );
  }
  return parsePackage(buffer, path);
}

/** The pure half of `loadPackage`: classify and parse the bytes of a file named `path`. */
export function parsePackage(buffer: Uint8Array, path: string): LoadResult {
  const bytes = buffer.length;
  const archive = archiveKind(buffer);
  if (archive) return { ok: true, path, bytes, syntax: 'archive', archive, documents: [] };
  if (bytes === 0) {
    return unreadable(path, 'empty', `pipeline package ${path} is empty (0 bytes)`, emptyHint, { bytes });
  }
  if (buffer.subarray(0, 8192).includes(0)) {
    return unreadable(
      path,
      'binary',
      `pipeline package ${path} is a binary file, not YAML text`,
      `a KFP v2 package is the YAML file the compiler writes: \`${COMPILE_COMMAND}\``,
      { bytes },
    );
  }
  const text = Buffer.from(buffer)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    return unreadable(path, 'empty', `pipeline package ${path} is empty (${bytes} bytes of whitespace)`, emptyHint, {
      bytes,
    });
  }
  const isJsonFile = extname(path).toLowerCase() === '.json';
  if (isJsonFile || /^\s*[[{]/.test(text)) {
    const json = parseJson(text);
    if (json.ok) return { ok: true, path, bytes, syntax: 'json', documents: [json.value] };
    // A .json file must be JSON; anything else that merely starts with { may be YAML flow style.
    if (isJsonFile) {
      return unreadable(
        path,
        'invalid-json',
        `pipeline package ${path} is not valid JSON${json.line === undefined ? '' : ` at line ${json.line}, column ${json.column}`}: ${json.message}`,
        'the file is truncated or was edited by hand; note that kfp-e2e expects the YAML package, not JSON',
        { bytes, line: json.line, column: json.column },
      );
    }
  }
  return parseYamlDocuments(text, path, bytes);
}

const emptyHint = `the compile step failed or was interrupted; compile the pipeline again: \`${COMPILE_COMMAND}\``;

function parseYamlDocuments(text: string, path: string, bytes: number): LoadResult {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const values: unknown[] = [];
  for (const [index, document] of documents.entries()) {
    const error = document.errors[0];
    if (error) {
      const [line, column] = error.linePos ? [error.linePos[0].line, error.linePos[0].col] : [undefined, undefined];
      const [headline, ...excerpt] = error.message.split('\n');
      const reason = (headline ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      const at = line === undefined ? '' : ` at line ${line}, column ${column}`;
      return unreadable(
        path,
        'invalid-yaml',
        `pipeline package ${path} is not valid YAML${at}: ${reason}`,
        'the file is truncated or was edited by hand: fix the YAML there, or compile the pipeline again',
        {
          bytes,
          line,
          column,
          code: error.code,
          document: index + 1,
          excerpt: excerpt.join('\n').trim(),
          errors: document.errors.length,
        },
      );
    }
    try {
      const value: unknown = document.toJS({ maxAliasCount: 100 });
      if (value !== null && value !== undefined) values.push(value);
    } catch (error) {
      return unreadable(
        path,
        'invalid-yaml',
        `pipeline package ${path} is not valid YAML (document ${index + 1}): ${(error as Error).message}`,
        'the file was edited by hand: compile the pipeline again',
        { bytes, document: index + 1 },
      );
    }
  }
  if (values.length === 0) {
    return unreadable(
      path,
      'empty',
      `pipeline package ${path} has no YAML content (only comments or document markers)`,
      emptyHint,
      {
        bytes,
      },
    );
  }
  return { ok: true, path, bytes, syntax: 'yaml', documents: values };
}

type JsonParse = { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number };

/**
 * JSON.parse with the error's offset turned into line and column. V8 gives an offset for most
 * errors but not all (an unexpected token may come with a quote of the input instead); then the
 * position is left out and the quote is cut from the message.
 */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const raw = (error as Error).message;
    const offset = /at position (\d+)/.exec(raw)?.[1];
    const message = raw
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, ".*" is not valid JSON$/s, '')
      .replaceAll('\n', '\\n');
    if (offset === undefined) return { ok: false, message };
    return { ok: false, message, ...lineColumn(text, Number(offset)) };
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function archiveKind(buffer: Uint8Array): 'gzip' | 'zip' | undefined {
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) return 'gzip';
  if (buffer[0] === 0x50 && buffer[1] === 0x4b && buffer[2] === 0x03 && buffer[3] === 0x04) return 'zip';
  return undefined;
}

function unreadable(
  path: string,
  problem: ReadProblem,
  error: string,
  hint: string,
  evidence: Record<string, unknown> = {},
): UnreadablePackage {
  return { ok: false, path, problem, error, hint, evidence: { path, problem, ...evidence } };
}
