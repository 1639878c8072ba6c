import type { z } from 'zod';
import { bucketHint, type ObjectHead } from '../../clients/s3.js';
import { type Check, type CheckOutcome, fail, HintedError, pass, skip } from '../check.js';
import type { ContractContext } from './context.js';
import type { Contract, CsvObjectSchema, JsonObjectSchema, ObjectClause } from './contract-schema.js';
import { type CsvResult, type CsvRules, describeValue, RECORD_COLUMN, validateCsvStream } from './csv-validator.js';
import { formatJsonProblem, validateJsonShape } from './json-validator.js';
import { renderTemplate, TemplateError, type TemplateVars, templateVars } from './templates.js';

/** JSON documents are read whole; anything larger is not a pointer or a summary. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;
/** Violations quoted in a failure message; the evidence holds up to five per column and all counts. */
const QUOTED_VIOLATIONS = 5;

type CsvObject = z.infer<typeof CsvObjectSchema>;
type JsonObject = z.infer<typeof JsonObjectSchema>;

export const objectCheckId = (name: string): string => `contract.object-${name}.valid`;

/**
 * One check per object clause of the contract: the object exists where the (rendered) bucket and
 * key say, and its content honours the clause — JSON by shape, CSV streamed in constant memory.
 * The pointer object runs first: other clauses may use {pointer.<field>}, filled from the document
 * its check stores in ctx.facts.documents. A clause that needs a pointer that could not be read skips,
 * naming the pointer's check, rather than failing a second time for the same cause.
 */
export function objectChecks(contract: Contract): Check<ContractContext>[] {
  const pointer = contract.pointer?.object;
  const ordered = [
    ...contract.objects.filter((o) => o.name === pointer),
    ...contract.objects.filter((o) => o.name !== pointer),
  ];
  return ordered.map((clause) => ({
    id: objectCheckId(clause.name),
    stage: 'contract',
    title: `object ${clause.name} is present and valid`,
    run: (ctx) => checkObject(clause, ctx),
  }));
}

async function checkObject(clause: ObjectClause, ctx: ContractContext): Promise<CheckOutcome> {
  // A stale document from an earlier run of this check must not feed other clauses.
  delete ctx.facts.documents[clause.name];
  const vars = templateVars(ctx);
  let bucket: string;
  let key: string;
  let columns: CsvRules['columns'] = [];
  try {
    bucket = renderTemplate(clause.bucket, vars);
    key = renderTemplate(clause.key, vars);
    if (clause.format === 'csv') {
      columns = clause.columns.map((c) =>
        c.equals === undefined ? c : { ...c, equals: renderTemplate(c.equals, vars) },
      );
    }
  } catch (error) {
    return templateOutcome(error, clause, vars);
  }
  const uri = `s3://${bucket}/${key}`;
  const evidence: Record<string, unknown> = { object: clause.name, bucket, key, uri, format: clause.format };
  const s3 = ctx.clients.s3;

  const headStarted = performance.now();
  let head: ObjectHead | undefined;
  try {
    head = await s3.headObject(bucket, key);
  } catch (error) {
    return failFromError(`${uri}: cannot read the object's metadata`, error, evidence);
  }
  evidence.headMs = ms(headStarted);
  if (head === undefined) return missing(clause, ctx, bucket, uri, evidence);
  Object.assign(evidence, { size: head.size, etag: head.etag, lastModified: head.lastModified });

  return clause.format === 'json'
    ? checkJson(clause, ctx, bucket, key, uri, head, evidence)
    : checkCsv(clause, ctx, bucket, key, uri, columns, evidence);
}

async function checkJson(
  clause: JsonObject,
  ctx: ContractContext,
  bucket: string,
  key: string,
  uri: string,
  head: ObjectHead,
  evidence: Record<string, unknown>,
): Promise<CheckOutcome> {
  if (head.size > MAX_JSON_BYTES) {
    return fail(
      `${uri}: ${head.size} bytes, expected a JSON document of at most ${MAX_JSON_BYTES} bytes`,
      'check the pipeline task that writes it: the contract expects a small JSON document here',
      evidence,
    );
  }
  const readStarted = performance.now();
  let text: string;
  try {
    text = await ctx.clients.s3.getText(bucket, key);
  } catch (error) {
    return failFromError(`${uri}: cannot read the object`, error, evidence);
  }
  evidence.readMs = ms(readStarted);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return fail(
      `${uri}: not valid JSON (${(error as Error).message}); starts with ${JSON.stringify(text.slice(0, 60))}`,
      'check the pipeline task that writes it (Python json.dumps writes NaN/Infinity, which JSON does not allow)',
      evidence,
    );
  }
  const problems = validateJsonShape(document, clause.schema);
  evidence.fields = problems.length === 0 ? Object.keys(document as object) : undefined;
  if (problems.length > 0) {
    evidence.problems = problems;
    return fail(
      `${uri}: ${problems.length} field${problems.length === 1 ? '' : 's'} not as the contract requires: ${problems.map(formatJsonProblem).join('; ')}`,
      `check the pipeline task that writes it, or the contract's schema for object ${clause.name}`,
      evidence,
    );
  }
  ctx.facts.documents[clause.name] = document as Record<string, unknown>;
  return pass(evidence);
}

async function checkCsv(
  clause: CsvObject,
  ctx: ContractContext,
  bucket: string,
  key: string,
  uri: string,
  columns: CsvRules['columns'],
  evidence: Record<string, unknown>,
): Promise<CheckOutcome> {
  const readStarted = performance.now();
  let result: CsvResult;
  try {
    const stream = await ctx.clients.s3.getObjectStream(bucket, key);
    result = await validateCsvStream(stream, { columns, ...(clause.rows ? { rows: clause.rows } : {}) });
  } catch (error) {
    return failFromError(`${uri}: cannot read the object`, error, evidence);
  }
  const readMs = ms(readStarted);
  Object.assign(evidence, {
    readMs,
    bytes: result.bytes,
    rows: result.rows,
    columns: result.columns,
    missingColumns: result.missingColumns,
    violationCounts: result.counts,
    violations: result.violations,
    mbPerSecond: readMs > 0 ? Math.round((result.bytes / 1e6 / (readMs / 1000)) * 10) / 10 : undefined,
  });

  const writer = 'check the pipeline task that writes it';
  if (result.fatal) return fail(`${uri}: ${result.fatal}`, `${writer}: the object is not readable as CSV`, evidence);
  const problems: string[] = [];
  if (result.missingColumns.length > 0) {
    problems.push(
      `column${result.missingColumns.length === 1 ? '' : 's'} ${result.missingColumns.join(', ')} missing from the header (header: ${result.columns.join(', ') || 'empty'})`,
    );
  }
  if (result.rowBounds) problems.push(`${result.rows} rows, expected ${result.rowBounds}`);
  for (const v of result.violations.slice(0, QUOTED_VIOLATIONS)) {
    problems.push(
      v.column === RECORD_COLUMN
        ? `row ${v.row} (line ${v.line}): ${v.expected}`
        : `column ${v.column} row ${v.row}: ${describeValue(v.value)} (${v.expected} expected)`,
    );
  }
  if (problems.length === 0) return pass(evidence);
  const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
  const counts = Object.entries(result.counts)
    .map(([column, n]) => `${n} in ${column}`)
    .join(', ');
  const hint = result.violations.some((v) => columns.find((c) => c.name === v.column)?.equals !== undefined)
    ? `${writer}: a column must equal a value of this run (e.g. the pointer's model version) — was the object written by another run or model?`
    : `${writer} (and the data it reads), or the contract's columns for object ${clause.name}`;
  return fail(
    `${uri}: ${problems.join('; ')}${total > 0 ? ` (violations: ${counts}; rows read: ${result.rows})` : ''}`,
    hint,
    evidence,
  );
}

async function missing(
  clause: ObjectClause,
  ctx: ContractContext,
  bucket: string,
  uri: string,
  evidence: Record<string, unknown>,
): Promise<CheckOutcome> {
  // HEAD answers 404 without a body for a missing bucket too: ask, so the hint says which is absent.
  let bucketExists = true;
  try {
    bucketExists = await ctx.clients.s3.bucketExists(bucket);
  } catch {
    // The object's absence is the finding; a second failure adds nothing.
  }
  evidence.bucketExists = bucketExists;
  if (!bucketExists) {
    return fail(
      `${uri}: object ${clause.name} not found — bucket "${bucket}" does not exist`,
      `${bucketHint([bucket])}; or check the contract's bucket (${clause.bucket}) against the configured buckets`,
      evidence,
    );
  }
  const vars = templateVars(ctx).values;
  return fail(
    `${uri}: object ${clause.name} not found`,
    `did the task that writes it run? check the pipeline task that writes it (its log in the KFP run ${ctx.run.runId}), and that dataset=${vars.dataset} and identifier=${vars.identifier} are the run's`,
    evidence,
  );
}

function templateOutcome(error: unknown, clause: ObjectClause, vars: TemplateVars): CheckOutcome {
  if (!(error instanceof TemplateError)) {
    return fail(`object ${clause.name}: ${error instanceof Error ? error.message : String(error)}`, undefined, {
      object: clause.name,
    });
  }
  const pointerUnread =
    error.kind === 'unavailable' &&
    vars.pointerObject !== undefined &&
    vars.pointer === undefined &&
    vars.pointerObject !== clause.name;
  if (pointerUnread) {
    return skip(
      `object ${clause.name} needs {${error.variable}}, but the pointer object "${vars.pointerObject}" was not read (see ${objectCheckId(vars.pointerObject as string)})`,
      { object: clause.name, variable: error.variable },
    );
  }
  return fail(
    `object ${clause.name}: ${error.message}`,
    error.kind === 'unknown'
      ? 'fix the template in the contract file'
      : `fix the contract's template, or the pipeline task that writes the pointer object`,
    { object: clause.name, variable: error.variable },
  );
}

function failFromError(what: string, error: unknown, evidence: Record<string, unknown>): CheckOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return fail(`${what}: ${message}`, error instanceof HintedError ? error.hint : undefined, evidence);
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
