import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/resolve.js';
import { parseContract } from './load-contract.js';
import { renderTemplate, TemplateError, templateVariables, templateVars, usesPointer } from './templates.js';

const { config } = resolveConfig({ env: {}, flags: { 'run.dataset': 'PobleSec', 'run.identifier': 'ci-1' } });
const contract = parseContract(
  'version: 1\npointer: { object: ptr }\nobjects:\n  - { name: ptr, bucket: b, key: k, format: json, schema: { required: {} } }\n',
  'inline',
);
const ctx = (documents: Record<string, Record<string, unknown>> = {}, parameters: Record<string, unknown> = {}) => ({
  config,
  contract,
  run: { runId: 'run-42', parameters },
  facts: { documents },
});

const errorOf = (fn: () => unknown): TemplateError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
};

describe('renderTemplate', () => {
  it('renders run variables and configured bucket names', () => {
    const vars = templateVars(ctx());
    expect(renderTemplate('{buckets.predictions}/p/{dataset}/{identifier}/{run_id}.csv', vars)).toBe(
      `${config.buckets.predictions}/p/PobleSec/ci-1/run-42.csv`,
    );
    expect(renderTemplate('no variables', vars)).toBe('no variables');
  });

  it('prefers the run parameters as submitted over the configuration', () => {
    expect(
      renderTemplate('{dataset}/{identifier}', templateVars(ctx({}, { dataset: 'Gracia', identifier: 'x' }))),
    ).toBe('Gracia/x');
  });

  it('renders pointer fields, nested ones and numbers included, once the pointer is read', () => {
    const vars = templateVars(ctx({ ptr: { model_version: '7', metrics: { rmse: 4.5 }, promoted: true } }));
    expect(renderTemplate('v{pointer.model_version} {pointer.metrics.rmse} {pointer.promoted}', vars)).toBe(
      'v7 4.5 true',
    );
  });

  it('an unknown variable is an error naming it and listing the known ones', () => {
    const error = errorOf(() => renderTemplate('{buckets.nope}/x', templateVars(ctx())));
    expect(error.variable).toBe('buckets.nope');
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('{buckets.nope}');
    expect(error.message).toContain('{buckets.models}');
    expect(errorOf(() => renderTemplate('{model_version}', templateVars(ctx()))).variable).toBe('model_version');
  });

  it('a pointer variable before the pointer is read is unavailable, naming the pointer object', () => {
    const error = errorOf(() => renderTemplate('{pointer.model_version}', templateVars(ctx())));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('pointer object "ptr" has not been read');
  });

  it('a field the pointer lacks, or that is not a scalar, is unavailable — never an empty string', () => {
    const vars = templateVars(ctx({ ptr: { model_version: null, metrics: { rmse: 1 } } }));
    expect(errorOf(() => renderTemplate('{pointer.model_name}', vars)).message).toContain('has no field model_name');
    expect(errorOf(() => renderTemplate('{pointer.model_version}', vars)).message).toContain('is null');
    expect(errorOf(() => renderTemplate('{pointer.metrics}', vars)).message).toContain('an object');
    expect(errorOf(() => renderTemplate('{pointer.metrics.mae}', vars)).message).toContain('no field metrics.mae');
  });

  it('a contract without a pointer has no pointer variables', () => {
    const bare = { ...ctx(), contract: parseContract('version: 1\n', 'inline') };
    expect(errorOf(() => renderTemplate('{pointer.x}', templateVars(bare))).message).toContain('declares no pointer');
  });

  it('lists the variables a template uses', () => {
    expect(templateVariables('{a}/{ pointer.b }/c')).toEqual(['a', 'pointer.b']);
    expect(usesPointer('{pointer.model_version}')).toBe(true);
    expect(usesPointer('{dataset}')).toBe(false);
  });
});
