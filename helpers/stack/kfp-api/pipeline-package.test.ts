import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../project-paths.js';
import { ApiError, GrpcCode } from './grpc-status.js';
import { parsePipelinePackage, parsePipelineSpecStruct } from './pipeline-package.js';

const fixture = (path: string) => readFileSync(join(PROJECT_ROOT, path));
const POBLESEC = fixture('fixtures/poblesec/pipeline.yaml');

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the package to be refused');
}

describe('parsePipelinePackage', () => {
  it('the reference package: text kept, spec parsed, pipeline_spec wraps IR and platform spec', () => {
    const pkg = parsePipelinePackage(POBLESEC, 'pipeline.yaml');
    expect(pkg.text).toBe(POBLESEC.toString('utf8'));
    expect(pkg.spec.pipelineInfo.name).toBe('poblesec-forecast');
    expect(Object.keys(pkg.pipelineSpec).sort()).toEqual(['pipeline_spec', 'platform_spec']);
    expect((pkg.pipelineSpec.pipeline_spec as { schemaVersion: string }).schemaVersion).toBe('2.1.0');
    expect(pkg.pipelineSpec.platform_spec).toHaveProperty('platforms.kubernetes');
  });

  it('a package without platform spec: pipeline_spec is the IR itself', () => {
    const ir = (parsePipelinePackage(POBLESEC, 'p.yaml').pipelineSpec.pipeline_spec ?? {}) as Record<string, unknown>;
    const pkg = parsePipelinePackage(Buffer.from(stringify(ir)), 'single.yaml');
    expect(pkg.pipelineSpec).toEqual(ir);
  });

  it('accepts JSON IR, as the KFP server does, and keeps YAML for the runner', () => {
    const pkg = parsePipelinePackage(fixture('fixtures/pipelines/v2-as-json.json'), 'v2-as-json.json');
    expect(pkg.spec.schemaVersion).toBe('2.1.0');
    expect(pkg.text).not.toMatch(/^\s*\{/);
  });

  it('refuses a KFP v1 Argo workflow with INVALID_ARGUMENT naming it', () => {
    const error = refusal(() => parsePipelinePackage(fixture('fixtures/pipelines/argo-v1-workflow.yaml'), 'old.yaml'));
    expect(error.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(error.message).toContain('invalid pipeline package old.yaml');
    expect(error.message).toContain('KFP v1 package (an Argo Workflow');
    expect(error.details).toContain('recompile with the KFP v2 SDK');
  });

  it('refuses invalid YAML, an empty file, an archive and an incomplete spec', () => {
    expect(
      refusal(() => parsePipelinePackage(fixture('fixtures/pipelines/invalid.yaml'), 'bad.yaml')).message,
    ).toContain('not valid YAML');
    expect(refusal(() => parsePipelinePackage(Buffer.alloc(0), 'empty.yaml')).message).toContain('is empty');
    expect(refusal(() => parsePipelinePackage(Buffer.from([0x1f, 0x8b, 8, 0]), 'p.tar.gz')).message).toContain(
      'archive',
    );
    const partial = refusal(() => parsePipelinePackage(Buffer.from('pipelineInfo: {name: x}\n'), 'partial.yaml'));
    expect(partial.message).toContain('is not a valid KFP v2 pipeline spec');
  });

  it('refuses a pipeline name the KFP server refuses', () => {
    const ir = parsePipelinePackage(POBLESEC, 'p.yaml').pipelineSpec.pipeline_spec as Record<string, unknown>;
    const renamed = { ...ir, pipelineInfo: { name: 'Poblesec.Forecast' } };
    expect(refusal(() => parsePipelinePackage(Buffer.from(stringify(renamed)), 'p.yaml')).message).toContain(
      "pipeline's name must contain only lowercase alphanumeric characters",
    );
  });
});

describe('parsePipelineSpecStruct', () => {
  it('takes the IR or {pipeline_spec, platform_spec} and writes YAML documents for the runner', () => {
    const struct = parsePipelinePackage(POBLESEC, 'p.yaml').pipelineSpec;
    const wrapped = parsePipelineSpecStruct(struct);
    expect(wrapped.pipelineSpec).toEqual(struct);
    expect(wrapped.text.split(/^---$/m)).toHaveLength(2);
    const bare = parsePipelineSpecStruct(struct.pipeline_spec as Record<string, unknown>);
    expect(bare.spec.pipelineInfo.name).toBe('poblesec-forecast');
    expect(refusal(() => parsePipelineSpecStruct({ hello: 'world' })).code).toBe(GrpcCode.INVALID_ARGUMENT);
  });
});
