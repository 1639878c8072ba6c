import { describe, expect, it } from 'vitest';
import { equals, filterJson } from './filter.js';
import {
  createRunRequest,
  findExperimentRequest,
  findPipelineRequest,
  listRunsRequest,
  pathWithQuery,
  terminateRunRequest,
  uploadPipelineRequest,
} from './requests.js';

describe('KFP request builders', () => {
  it('serialise a filter as the Filter message with proto field names', () => {
    expect(filterJson(equals('name', 'x'))).toBe(
      '{"predicates":[{"key":"name","operation":"EQUALS","string_value":"x"}]}',
    );
  });

  it('put the query together URL-encoded, leaving out empty values', () => {
    const req = findPipelineRequest('a b&c', undefined);
    const url = pathWithQuery(req);
    expect(url.startsWith('/apis/v2beta1/pipelines?page_size=10&filter=')).toBe(true);
    expect(new URL(url, 'http://x').searchParams.get('filter')).toBe(filterJson(equals('name', 'a b&c')));
    expect(url).not.toContain('namespace');
    expect(pathWithQuery(findExperimentRequest('e', 'team-a'))).toContain('namespace=team-a');
  });

  it('mark reads as idempotent and writes as not', () => {
    expect(findPipelineRequest('x').idempotent).toBe(true);
    expect(listRunsRequest().idempotent).toBe(true);
    expect(uploadPipelineRequest({ name: 'x', content: new Uint8Array() }).idempotent).toBe(false);
    expect(terminateRunRequest('r').idempotent).toBe(false);
    expect(
      createRunRequest({ displayName: 'r', experimentId: 'e', pipelineId: 'p', pipelineVersionId: 'v', parameters: {} })
        .idempotent,
    ).toBe(false);
  });

  it('sort runs newest first unless told otherwise', () => {
    expect(listRunsRequest().query?.sort_by).toBe('created_at desc');
    expect(listRunsRequest({ sortBy: 'name asc' }).query?.sort_by).toBe('name asc');
  });

  it('encode ids in paths', () => {
    expect(terminateRunRequest('a/b').path).toBe('/apis/v2beta1/runs/a%2Fb:terminate');
  });

  it('send the upload with the file name only (no directories) and display_name defaulting to the name', () => {
    const req = uploadPipelineRequest({ name: 'n', content: new Uint8Array([1]), filename: '/a/b/c.yaml' });
    expect(req.body).toMatchObject({ kind: 'multipart', field: 'uploadfile', filename: 'c.yaml' });
    expect(req.query).toMatchObject({ name: 'n', display_name: 'n' });
  });
});
