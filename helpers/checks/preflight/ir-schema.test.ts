import { describe, expect, it } from 'vitest';
import {
  crossReferenceProblems,
  describeIssues,
  formatPath,
  isRequiredParameter,
  PipelineSpecSchema,
  rootParameters,
} from './ir-schema.js';
import { editedFixture } from './test-fixtures.js';

const minimal = (changes: Record<string, unknown> = {}) => editedFixture('minimal-v2.yaml', changes);

function problemsOf(document: unknown): string[] {
  const parsed = PipelineSpecSchema.safeParse(document);
  return parsed.success ? crossReferenceProblems(parsed.data) : describeIssues(parsed.error, document);
}

describe('PipelineSpecSchema', () => {
  it('accepts the hand-written v2 fixture and keeps unknown fields', () => {
    const spec = PipelineSpecSchema.parse(minimal());
    expect(spec.pipelineInfo.name).toBe('minimal-v2');
    expect(Object.keys(spec.root.dag.tasks)).toEqual(['prepare-data', 'train-model']);
    expect(spec.deploymentSpec.executors['exec-prepare-data']?.container?.image).toBe('python:3.11.9-slim');
    expect((spec.root.dag.tasks['train-model'] as Record<string, unknown>).cachingOptions).toEqual({
      enableCache: true,
    });
    expect(crossReferenceProblems(spec)).toEqual([]);
  });

  it('reads parameter types, defaults and optionality from root.inputDefinitions', () => {
    const params = rootParameters(PipelineSpecSchema.parse(minimal()));
    expect(params.epochs).toMatchObject({ parameterType: 'NUMBER_INTEGER', defaultValue: 3 });
    expect(params.tags).toEqual({ parameterType: 'LIST', isOptional: true });
    expect(isRequiredParameter({ parameterType: 'LIST', isOptional: true })).toBe(false);
    expect(isRequiredParameter({ parameterType: 'STRING' })).toBe(true);
    expect(isRequiredParameter({ parameterType: 'STRING', defaultValue: '' })).toBe(false);
  });

  it('names the wrong schemaVersion and sdkVersion with what was found', () => {
    expect(problemsOf(minimal({ schemaVersion: '2.0.0', sdkVersion: 'kfp-1.8.22' }))).toEqual([
      'schemaVersion: expected "2.1.0", the schema every KFP 2.x compiler writes (found "2.0.0")',
      'sdkVersion: expected "kfp-2.<minor>.<patch>": the package must come from a KFP 2.x compiler (found "kfp-1.8.22")',
    ]);
  });

  it('lists every missing top-level field', () => {
    const problems = problemsOf({ pipelineInfo: { name: 'x' } });
    expect(problems).toEqual([
      'root: missing (expected the root component: a mapping with dag)',
      'components: missing (expected a mapping of component name to component)',
      'deploymentSpec: missing (expected a mapping with executors)',
      'schemaVersion: missing (expected "2.1.0", the schema every KFP 2.x compiler writes)',
      'sdkVersion: missing (expected the compiling SDK, such as "kfp-2.14.3")',
    ]);
  });

  it('rejects an unknown parameter type and a default of the wrong type', () => {
    const doc = minimal({
      'root.inputDefinitions.parameters.epochs.defaultValue': 'three',
      'root.inputDefinitions.parameters.tags.parameterType': 'ARRAY',
    });
    expect(problemsOf(doc).sort()).toEqual([
      'root.inputDefinitions.parameters.epochs.defaultValue: expected an integer for a NUMBER_INTEGER parameter (found "three")',
      'root.inputDefinitions.parameters.tags.parameterType: expected one of STRING, NUMBER_INTEGER, NUMBER_DOUBLE, BOOLEAN, LIST, STRUCT (found "ARRAY")',
    ]);
  });

  it('requires an image on every container executor and exactly one executor kind', () => {
    const doc = minimal({
      'deploymentSpec.executors.exec-prepare-data.container.image': ' ',
      'deploymentSpec.executors.exec-train-model': { container: { image: 'a:1' }, importer: {} },
    });
    expect(problemsOf(doc)).toEqual([
      'deploymentSpec.executors.exec-prepare-data.container.image: expected an image: every container executor needs one (found " ")',
      'deploymentSpec.executors.exec-train-model: expected exactly one of container, importer, resolver, customJob',
    ]);
  });

  it('requires at least one task in root.dag', () => {
    expect(problemsOf(minimal({ 'root.dag.tasks': {} }))).toEqual(['root.dag.tasks: expected at least one task']);
  });
});

describe('crossReferenceProblems', () => {
  it('finds tasks naming missing components, labels naming missing executors and unknown upstream tasks', () => {
    const doc = minimal({
      'root.dag.tasks.train-model.componentRef.name': 'comp-missing',
      'root.dag.tasks.train-model.dependentTasks': ['prepare'],
      'components.comp-prepare-data.executorLabel': 'exec-gone',
    });
    expect(problemsOf(doc)).toEqual([
      'components.comp-prepare-data.executorLabel: names executor "exec-gone", which deploymentSpec.executors does not define',
      'root.dag.tasks.train-model.componentRef.name: names component "comp-missing", which components does not define',
      'root.dag.tasks.train-model.dependentTasks: names task "prepare", which this DAG does not define',
    ]);
  });
});

describe('formatPath', () => {
  it('joins names with dots, indexes with brackets and quotes odd keys', () => {
    expect(formatPath(['root', 'dag', 'tasks', 'train-model'])).toBe('root.dag.tasks.train-model');
    expect(formatPath(['args', 0])).toBe('args[0]');
    expect(formatPath(['executors', 'exec.a b'])).toBe('executors["exec.a b"]');
  });
});
