import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCheck } from '../check.js';
import { parametersKnown, parametersRequired, parametersTypes } from './parameter-checks.js';
import { editedFixture, fixture, fixtureDocuments, testContext } from './test-fixtures.js';

const minimal = fixture('minimal-v2.yaml');
const withParams = (params: Record<string, string>, path = minimal, paramErrors: string[] = []) =>
  testContext(path, { params, paramErrors });

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** minimal-v2 with two parameters that have no default and are not optional. */
const requiredParamsPackage = (() => {
  const spec = editedFixture('minimal-v2.yaml', {
    'root.inputDefinitions.parameters.dataset_uri': { parameterType: 'STRING' },
    'root.inputDefinitions.parameters.max_rows': { parameterType: 'NUMBER_INTEGER' },
  });
  const platform = fixtureDocuments('minimal-v2.yaml')[1];
  const path = join(dir, 'required.yaml');
  writeFileSync(path, `${stringify(spec)}---\n${stringify(platform)}`);
  return path;
})();

describe('preflight.parameters.known', () => {
  it('passes for declared names and for no parameters at all', async () => {
    expect(await runCheck(parametersKnown, withParams({ epochs: '5', tags: '["a"]' }))).toMatchObject({
      status: 'passed',
      evidence: { supplied: ['epochs', 'tags'] },
    });
    expect((await runCheck(parametersKnown, withParams({}))).status).toBe('passed');
  });

  it('fails naming the unknown parameter, a close match and the declared ones', async () => {
    const result = await runCheck(parametersKnown, withParams({ epoch: '5', batch_size: '32' }));
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'unknown runtime parameters epoch (did you mean epochs?), batch_size; ' +
        'the pipeline declares: dry_run, epochs, extra, learning_rate, run_label, source_uri, tags',
    );
    expect(result.evidence).toMatchObject({ unknown: ['epoch', 'batch_size'] });
  });

  it('fails on malformed entries before reading the package', async () => {
    const result = await runCheck(
      parametersKnown,
      withParams({}, fixture('does-not-exist.yaml'), ['"epochs": expected key=value']),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBe('malformed runtime parameter:\n  - "epochs": expected key=value');
    expect(result.hint).toContain('E2E_PARAMS');
  });

  it('skips when the package cannot be read', async () => {
    const result = await runCheck(parametersKnown, withParams({ epochs: '5' }, fixture('empty.yaml')));
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/^requires preflight\.package\.readable, which failed: .*is empty \(0 bytes\)$/);
  });
});

describe('preflight.parameters.types', () => {
  it('passes when every value parses as its declared type', async () => {
    const params = {
      epochs: '5',
      learning_rate: '1e-3',
      dry_run: 'true',
      tags: '["x"]',
      extra: '{"a":1}',
      run_label: 'nightly',
    };
    const result = await runCheck(parametersTypes, withParams(params));
    expect(result.status).toBe('passed');
    expect(result.evidence.checked).toHaveLength(6);
  });

  it('fails naming each wrong value, its type and what was expected', async () => {
    const result = await runCheck(
      parametersTypes,
      withParams({ epochs: 'five', dry_run: 'yes', tags: 'a,b', unknown: 'x' }),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'runtime parameter values do not match the declared type:\n' +
        '  - epochs=five: NUMBER_INTEGER parameter, expected a whole number such as 42\n' +
        '  - dry_run=yes: BOOLEAN parameter, expected true or false\n' +
        '  - tags=a,b: LIST parameter, expected a JSON list such as ["a","b"]',
    );
  });
});

describe('preflight.parameters.required', () => {
  it('passes when no parameter is required', async () => {
    expect(await runCheck(parametersRequired, withParams({}))).toMatchObject({
      status: 'passed',
      evidence: { required: [] },
    });
  });

  it('fails naming each required parameter that is not supplied', async () => {
    const result = await runCheck(parametersRequired, withParams({ max_rows: '10' }, requiredParamsPackage));
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'missing required runtime parameter dataset_uri (STRING): no default value in the pipeline and none supplied',
    );
    expect(result.hint).toContain('supply dataset_uri=...');
    expect(result.evidence).toMatchObject({ required: ['dataset_uri', 'max_rows'], missing: ['dataset_uri'] });
  });

  it('passes once every required parameter is supplied', async () => {
    const result = await runCheck(
      parametersRequired,
      withParams({ dataset_uri: 's3://raw-data/x.csv', max_rows: '10' }, requiredParamsPackage),
    );
    expect(result.status).toBe('passed');
  });
});
