import { describe, expect, it } from 'vitest';
import * as recorded from './recorded.js';
import {
  ErrorBodySchema,
  ExperimentSchema,
  isTerminal,
  ListExperimentsSchema,
  ListPipelinesSchema,
  ListPipelineVersionsSchema,
  ListRunsSchema,
  PipelineSchema,
  PipelineVersionSchema,
  RunSchema,
} from './schemas.js';

describe('v2beta1 response schemas', () => {
  for (const gen of ['v1gw', 'v2gw'] as const) {
    it(`accept the ${gen} answers for pipeline, version, experiment and run`, () => {
      expect(PipelineSchema.parse(recorded.pipeline(gen)).pipeline_id).toBe(recorded.IDS.pipeline);
      expect(PipelineVersionSchema.parse(recorded.version(gen)).pipeline_version_id).toBe(recorded.IDS.version);
      expect(ExperimentSchema.parse(recorded.experiment(gen)).display_name).toBe('kfp-e2e');
      const run = RunSchema.parse(recorded.run(gen, 'FAILED'));
      expect(run.state).toBe('FAILED');
      expect(run.run_details?.task_details.map((t) => t.state)).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        'FAILED',
        'SKIPPED',
        'SKIPPED',
        'SKIPPED',
      ]);
      expect(run.run_details?.task_details[2]?.error?.message).toMatch(/MLflow tracking server unreachable/);
    });
  }

  it('keeps fields a newer server adds (loose objects)', () => {
    const parsed = PipelineSchema.parse({ ...recorded.pipeline('v2gw'), tags: { team: 'ml' } });
    expect(parsed.tags).toEqual({ team: 'ml' });
  });

  it('reads an empty list that grpc-gateway v2 sends as {} as an empty list', () => {
    expect(ListPipelinesSchema.parse({}).pipelines).toEqual([]);
    expect(ListPipelineVersionsSchema.parse({ total_size: 0 }).pipeline_versions).toEqual([]);
    expect(ListExperimentsSchema.parse({}).experiments).toEqual([]);
    expect(ListRunsSchema.parse({ next_page_token: '' }).runs).toEqual([]);
  });

  it('reads a PENDING run without task details as no tasks', () => {
    const run = RunSchema.parse(recorded.run('v2gw', 'PENDING'));
    expect(run.run_details?.task_details).toEqual([]);
  });

  it('takes int64 fields as the strings proto3 JSON makes of them', () => {
    const run = RunSchema.parse(recorded.run('v2gw', 'SUCCEEDED'));
    expect(run.run_details?.pipeline_context_id).toBe('17');
    expect(run.run_details?.task_details[0]?.execution_id).toBe('101');
  });

  it('rejects a numeric enum and a missing id, naming the field', () => {
    const numeric = RunSchema.safeParse({ ...recorded.run('v2gw', 'RUNNING'), state: 2 });
    expect(numeric.success).toBe(false);
    expect(numeric.error?.issues[0]?.path).toEqual(['state']);
    const noId = PipelineSchema.safeParse({ display_name: 'x' });
    expect(noId.error?.issues[0]?.path).toEqual(['pipeline_id']);
  });

  it('knows every terminal state, and only those', () => {
    for (const s of ['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELED']) expect(isTerminal(s), s).toBe(true);
    for (const s of ['PENDING', 'RUNNING', 'CANCELING', 'PAUSED', 'RUNTIME_STATE_UNSPECIFIED', undefined])
      expect(isTerminal(s), String(s)).toBe(false);
  });

  it('parses all three error shapes', () => {
    expect(ErrorBodySchema.parse(recorded.errorBody('v1gw', 5, 'not found')).error).toBe('not found');
    expect(ErrorBodySchema.parse(recorded.errorBody('v2gw', 5, 'not found')).code).toBe(5);
    expect(ErrorBodySchema.parse(recorded.uploadErrorBody('exists')).error_message).toBe('exists');
  });
});
