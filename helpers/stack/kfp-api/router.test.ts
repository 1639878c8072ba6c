import { describe, expect, it } from 'vitest';
import { type Route, Router } from './router.js';

const noop = async () => ({});
const routes: Route[] = [
  { method: '*', path: '/apis/v2beta1/pipelines/upload', handler: noop, errorStyle: 'upload' },
  { method: 'GET', path: '/apis/v2beta1/pipelines/{pipeline_id}', handler: noop },
  { method: 'GET', path: '/apis/v2beta1/pipelines/{pipeline_id}/versions/{pipeline_version_id}', handler: noop },
  { method: 'GET', path: '/apis/v2beta1/runs/{run_id}', handler: noop },
  { method: 'POST', path: '/apis/v2beta1/runs/{run_id}:terminate', handler: noop },
];
const router = new Router(routes);

describe('Router', () => {
  it('matches path parameters, decoded', () => {
    const match = router.match('GET', '/apis/v2beta1/pipelines/p%201/versions/v-2');
    expect(match).toMatchObject({ kind: 'found', params: { pipeline_id: 'p 1', pipeline_version_id: 'v-2' } });
  });

  it('custom verbs: POST runs/{id}:terminate, and GET does not take the verb as part of the id', () => {
    expect(router.match('POST', '/apis/v2beta1/runs/abc:terminate')).toMatchObject({
      kind: 'found',
      params: { run_id: 'abc' },
    });
    expect(router.match('GET', '/apis/v2beta1/runs/abc:terminate')).toEqual({ kind: 'method-not-allowed' });
  });

  it('earlier routes win: upload is not a pipeline id; any method reaches it', () => {
    expect(router.match('GET', '/apis/v2beta1/pipelines/upload')).toMatchObject({
      kind: 'found',
      route: { errorStyle: 'upload' },
    });
  });

  it('unknown paths and wrong methods', () => {
    expect(router.match('GET', '/apis/v2beta1/nothing')).toEqual({ kind: 'not-found' });
    expect(router.match('DELETE', '/apis/v2beta1/runs/abc')).toEqual({ kind: 'method-not-allowed' });
    expect(router.match('GET', '/apis/v2beta1/runs/a/b')).toEqual({ kind: 'not-found' });
  });
});
