import { describe, expect, it } from 'vitest';
import { GRPC_CODES, httpStatusError, type KfpCallSite, parseErrorBody } from './errors.js';
import * as recorded from './recorded.js';

const site: KfpCallSite = {
  method: 'GET',
  display: 'http://kfp:8888/apis/v2beta1/runs/r',
  expected: 'a KFP run',
  host: 'kfp',
  port: 8888,
  timeoutMs: 1000,
  pathPrefix: '',
  auth: {},
};

describe('KFP error bodies', () => {
  it('reads the grpc-gateway v1 runtime error {error, code, message, details}', () => {
    expect(parseErrorBody(JSON.stringify(recorded.errorBody('v1gw', 5, 'Run r not found')))).toMatchObject({
      code: 5,
      message: 'Run r not found',
      details: [expect.objectContaining({ '@type': 'type.googleapis.com/api.Error' })],
    });
  });

  it('reads google.rpc.Status {code, message, details}', () => {
    expect(parseErrorBody('{"code":3,"message":"bad","details":[]}')).toEqual({ code: 3, message: 'bad', details: [] });
  });

  it('reads the upload handler error {error_message, error_details}', () => {
    expect(parseErrorBody(JSON.stringify(recorded.uploadErrorBody('Failed to create a pipeline')))).toEqual({
      message: 'Failed to create a pipeline',
    });
  });

  it('gives up on text, HTML and unrelated JSON', () => {
    expect(parseErrorBody('404 page not found')).toBeUndefined();
    expect(parseErrorBody('<html>login</html>')).toBeUndefined();
    expect(parseErrorBody('{"detail":"nope"}')).toBeUndefined();
  });

  it('names gRPC codes as google.rpc.Code does', () => {
    expect(GRPC_CODES[5]).toBe('NOT_FOUND');
    expect(GRPC_CODES[6]).toBe('ALREADY_EXISTS');
    expect(GRPC_CODES[16]).toBe('UNAUTHENTICATED');
  });

  it('both generations give the same error for the same failure', () => {
    const a = httpStatusError(site, 404, JSON.stringify(recorded.errorBody('v1gw', 5, 'Run r not found')));
    const b = httpStatusError(site, 404, JSON.stringify(recorded.errorBody('v2gw', 5, 'Run r not found')));
    expect(a.message).toBe(b.message);
    expect(a.message).toBe(
      'GET http://kfp:8888/apis/v2beta1/runs/r: expected a KFP run, saw HTTP 404 NOT_FOUND: Run r not found',
    );
    expect(a.hint).toBe(b.hint);
  });

  it('a redirect points at an auth proxy; 502 at a proxy whose backend is down', () => {
    const redirect = httpStatusError(site, 302, '', { location: 'https://dex.example/auth?token=abc' });
    expect(redirect.hint).toMatch(/redirected to .*dex\.example/);
    expect(httpStatusError(site, 502, 'Bad Gateway').hint).toMatch(/not ready \(HTTP 502\)/);
  });

  it('413: the package is too large', () => {
    expect(httpStatusError(site, 413, '{"error_message":"file too large"}').hint).toMatch(/32 MB/);
  });
});
