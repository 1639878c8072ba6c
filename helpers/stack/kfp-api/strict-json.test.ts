import { describe, expect, it } from 'vitest';
import { ApiError, GrpcCode } from './grpc-status.js';
import { ExperimentMessage, RunMessage } from './request-messages.js';
import { decodeJsonBody } from './strict-json.js';

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an INVALID_ARGUMENT refusal, the body was accepted');
}

describe('decodeJsonBody', () => {
  it('takes proto names and JSON (camelCase) names, keyed by proto name', () => {
    expect(decodeJsonBody('{"display_name":"a","description":"d","namespace":"ns"}', ExperimentMessage)).toEqual({
      display_name: 'a',
      description: 'd',
      namespace: 'ns',
    });
    expect(decodeJsonBody('{"displayName":"a"}', ExperimentMessage)).toEqual({ display_name: 'a' });
  });

  it('refuses an unknown field with INVALID_ARGUMENT naming it and the message', () => {
    const error = refusal(() => decodeJsonBody('{"display_name":"a","colour":"red"}', ExperimentMessage));
    expect(error.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe('unknown field "colour" in v2beta1.Experiment');
  });

  it('refuses unknown fields in nested messages too', () => {
    const error = refusal(() =>
      decodeJsonBody('{"display_name":"r","pipeline_version_reference":{"pipeline_id":"p","version":"v"}}', RunMessage),
    );
    expect(error.message).toBe('unknown field "version" in v2beta1.PipelineVersionReference');
  });

  it('refuses malformed JSON and a body that is not an object', () => {
    expect(refusal(() => decodeJsonBody('{"display_name":', ExperimentMessage)).message).toMatch(
      /^invalid JSON in request body for v2beta1.Experiment: /,
    );
    expect(refusal(() => decodeJsonBody('[1]', ExperimentMessage)).message).toContain('expected a JSON object');
  });

  it('an empty body is an empty message; null means not set', () => {
    expect(decodeJsonBody('', ExperimentMessage)).toEqual({});
    expect(decodeJsonBody('{"display_name":null}', ExperimentMessage)).toEqual({});
  });

  it('checks value types', () => {
    expect(refusal(() => decodeJsonBody('{"display_name":3}', ExperimentMessage)).message).toBe(
      'v2beta1.Experiment.display_name: expected a string, got number',
    );
    expect(refusal(() => decodeJsonBody('{"runtime_config":{"parameters":[1]}}', RunMessage)).message).toContain(
      'runtime_config.parameters: expected a JSON object, got array',
    );
    expect(refusal(() => decodeJsonBody('{"created_at":"yesterday"}', RunMessage)).message).toContain('RFC 3339');
  });

  it('enums by name or number', () => {
    expect(decodeJsonBody('{"state":"RUNNING"}', RunMessage)).toEqual({ state: 'RUNNING' });
    expect(decodeJsonBody('{"state":3}', RunMessage)).toEqual({ state: 'SUCCEEDED' });
    expect(refusal(() => decodeJsonBody('{"state":"DONE"}', RunMessage)).message).toContain(
      'invalid enum value "DONE"',
    );
  });

  it('refuses two members of a oneof', () => {
    const error = refusal(() => decodeJsonBody('{"pipeline_version_id":"v","pipeline_spec":{"a":1}}', RunMessage));
    expect(error.message).toContain('only one of oneof pipeline_source');
  });

  it('pipeline_root has json_name pipeline_root: the camelCase spelling is unknown', () => {
    expect(decodeJsonBody('{"runtime_config":{"pipeline_root":"s3://b"}}', RunMessage)).toEqual({
      runtime_config: { pipeline_root: 's3://b' },
    });
    expect(refusal(() => decodeJsonBody('{"runtime_config":{"pipelineRoot":"s3://b"}}', RunMessage)).message).toBe(
      'unknown field "pipelineRoot" in v2beta1.RuntimeConfig',
    );
  });

  it('parameters keep any JSON value', () => {
    const decoded = decodeJsonBody(
      '{"runtime_config":{"parameters":{"rows":300,"flag":true,"tags":["a"],"cfg":{"k":null},"s":"x"}}}',
      RunMessage,
    );
    expect(decoded.runtime_config).toEqual({
      parameters: { rows: 300, flag: true, tags: ['a'], cfg: { k: null }, s: 'x' },
    });
  });
});
