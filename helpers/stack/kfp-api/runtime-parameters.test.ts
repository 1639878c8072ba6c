import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../project-paths.js';
import { ApiError } from './grpc-status.js';
import { parsePipelinePackage } from './pipeline-package.js';
import { checkRuntimeParameters, runnerParamArgs } from './runtime-parameters.js';

const { spec } = parsePipelinePackage(readFileSync(join(PROJECT_ROOT, 'fixtures/pipelines/minimal-v2.yaml')), 'm.yaml');

describe('checkRuntimeParameters', () => {
  it('accepts declared parameters of the declared JSON types, and null', () => {
    expect(() =>
      checkRuntimeParameters(spec, {
        run_label: 'x',
        epochs: 3,
        learning_rate: 0.5,
        dry_run: true,
        tags: ['a'],
        extra: { k: 1 },
        source_uri: null,
      }),
    ).not.toThrow();
  });

  it('refuses undeclared parameters and wrong types, all in one message', () => {
    try {
      checkRuntimeParameters(spec, {
        nope: 1,
        epochs: '3',
        learning_rate: 'fast',
        dry_run: 'yes',
        tags: 'a',
        extra: [],
      });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      const { message } = error as ApiError;
      expect(message).toContain('unrecognized input parameter "nope"');
      expect(message).toContain('parameter "epochs" is NUMBER_INTEGER: expected an integer number, got "3"');
      expect(message).toContain('"learning_rate" is NUMBER_DOUBLE');
      expect(message).toContain('"dry_run" is BOOLEAN');
      expect(message).toContain('"tags" is LIST');
      expect(message).toContain('"extra" is STRUCT');
    }
    expect(() => checkRuntimeParameters(spec, { epochs: 2.5 })).toThrow('expected an integer number');
  });
});

describe('runnerParamArgs', () => {
  it('one --param name=value per parameter; non-strings as JSON; nulls left out', () => {
    expect(runnerParamArgs({ s: 'a=b', n: 300, f: 0.2, b: false, l: ['x', 1], o: { k: 'v' }, z: null })).toEqual([
      '--param',
      's=a=b',
      '--param',
      'n=300',
      '--param',
      'f=0.2',
      '--param',
      'b=false',
      '--param',
      'l=["x",1]',
      '--param',
      'o={"k":"v"}',
    ]);
  });
});
