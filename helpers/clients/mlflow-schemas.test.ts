import { describe, expect, it } from 'vitest';
import {
  GetModelVersionResponseSchema,
  GetRunResponseSchema,
  MlflowErrorSchema,
  SearchExperimentsResponseSchema,
} from './mlflow-schemas.js';

/** As recorded from MLflow 3.17.2 (POST /api/2.0/mlflow/experiments/search, max_results 2). */
const recorded = {
  experiments: [
    {
      experiment_id: '0',
      name: 'Default',
      artifact_location: 'mlflow-artifacts:/0',
      lifecycle_stage: 'active',
      last_update_time: 1795674693997,
      creation_time: 1795674693997,
      workspace: 'default',
    },
  ],
};

describe('SearchExperimentsResponseSchema', () => {
  it('parses a recorded MLflow answer', () => {
    const parsed = SearchExperimentsResponseSchema.parse(recorded);
    expect(parsed.experiments[0]).toMatchObject({ experiment_id: '0', name: 'Default', tags: [] });
    expect(parsed.next_page_token).toBeUndefined();
  });

  it('treats an omitted repeated field as empty (proto JSON leaves empty lists out)', () => {
    expect(SearchExperimentsResponseSchema.parse({}).experiments).toEqual([]);
  });

  it('accepts int64 fields sent as strings and keeps unknown fields', () => {
    const parsed = SearchExperimentsResponseSchema.parse({
      experiments: [{ experiment_id: '7', name: 'e', creation_time: '1700000000000', future_field: 1 }],
      next_page_token: 'abc',
    });
    expect(parsed.experiments[0]?.creation_time).toBe(1_700_000_000_000);
    expect(parsed.experiments[0]).toHaveProperty('future_field', 1);
  });

  it('rejects a wrong type with the path of the field', () => {
    const result = SearchExperimentsResponseSchema.safeParse({ experiments: [{ experiment_id: 7, name: 'e' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['experiments', 0, 'experiment_id']);
  });
});

describe('MlflowErrorSchema', () => {
  it('parses the error body MLflow sends', () => {
    const body = {
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No Experiment with id=999 exists',
      sqlstate: 'KAM00',
    };
    expect(MlflowErrorSchema.parse(body).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('GetRunResponseSchema', () => {
  it('reads NaN metrics (proto JSON writes them as strings) and a run without data', () => {
    const parsed = GetRunResponseSchema.parse({
      run: {
        info: { run_id: 'r1', experiment_id: '1', status: 'RUNNING', start_time: '1700000000000' },
        data: { metrics: [{ key: 'r2', value: 'NaN' }] },
      },
    });
    expect(parsed.run.data.metrics[0]?.value).toBeNaN();
    expect(parsed.run.data.params).toEqual([]);
    expect(parsed.run.info.start_time).toBe(1_700_000_000_000);
    expect(GetRunResponseSchema.parse({ run: { info: { run_id: 'r', experiment_id: '0' } } }).run.data.tags).toEqual(
      [],
    );
  });

  it('rejects a run without info, naming the field', () => {
    const result = GetRunResponseSchema.safeParse({ run: {} });
    expect(result.error?.issues[0]?.path).toEqual(['run', 'info']);
  });
});

describe('GetModelVersionResponseSchema', () => {
  it('parses a version with aliases and defaults empty lists', () => {
    const parsed = GetModelVersionResponseSchema.parse({ model_version: { name: 'm', version: '3', status: 'READY' } });
    expect(parsed.model_version).toMatchObject({ version: '3', aliases: [], tags: [] });
  });
});
