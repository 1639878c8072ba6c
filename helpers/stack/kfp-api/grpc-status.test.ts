import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../config/mask.js';
import {
  ApiError,
  GrpcCode,
  gatewayErrorBody,
  httpStatusOf,
  notFound,
  toApiError,
  uploadErrorBody,
} from './grpc-status.js';

afterEach(() => clearRegisteredSecrets());

describe('httpStatusOf', () => {
  it('maps gRPC codes as grpc-gateway does, FAILED_PRECONDITION to 400', () => {
    expect(httpStatusOf(GrpcCode.INVALID_ARGUMENT)).toBe(400);
    expect(httpStatusOf(GrpcCode.NOT_FOUND)).toBe(404);
    expect(httpStatusOf(GrpcCode.ALREADY_EXISTS)).toBe(409);
    expect(httpStatusOf(GrpcCode.FAILED_PRECONDITION)).toBe(400);
    expect(httpStatusOf(GrpcCode.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOf(GrpcCode.PERMISSION_DENIED)).toBe(403);
    expect(httpStatusOf(GrpcCode.UNIMPLEMENTED)).toBe(501);
    expect(httpStatusOf(GrpcCode.INTERNAL)).toBe(500);
    expect(httpStatusOf(GrpcCode.UNKNOWN)).toBe(500);
  });
});

describe('error bodies', () => {
  it('gateway body: error, code, message and an api.Error detail', () => {
    const body = gatewayErrorBody(new ApiError(GrpcCode.NOT_FOUND, 'Run x not found', { details: 'more' }));
    expect(body).toEqual({
      error: 'Run x not found',
      code: 5,
      message: 'Run x not found',
      details: [{ '@type': 'type.googleapis.com/api.Error', error_message: 'Run x not found', error_details: 'more' }],
    });
  });

  it('upload body: error_message and error_details only', () => {
    expect(uploadErrorBody(new ApiError(GrpcCode.INVALID_ARGUMENT, 'bad file', { details: 'why' }))).toEqual({
      error_message: 'bad file',
      error_details: 'why',
    });
    expect(uploadErrorBody(notFound('gone'))).toEqual({ error_message: 'gone', error_details: 'gone' });
  });

  it('masks registered secrets in every field', () => {
    registerSecret('s3cr3t-value');
    const error = new ApiError(GrpcCode.INTERNAL, 'failed with s3cr3t-value', { details: 'url http://u:pw@h/' });
    const text = JSON.stringify([gatewayErrorBody(error), uploadErrorBody(error)]);
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain(':pw@');
  });

  it('an override of the HTTP status is kept (413 for uploads)', () => {
    expect(new ApiError(GrpcCode.RESOURCE_EXHAUSTED, 'too big', { httpStatus: 413 }).httpStatus).toBe(413);
  });
});

describe('toApiError', () => {
  it('keeps an ApiError and wraps anything else as INTERNAL, masked', () => {
    const api = notFound('x');
    expect(toApiError(api)).toBe(api);
    registerSecret('hunter2-pass');
    const wrapped = toApiError(new Error('connect failed for hunter2-pass'));
    expect(wrapped.code).toBe(GrpcCode.INTERNAL);
    expect(wrapped.httpStatus).toBe(500);
    expect(wrapped.message).toBe('Internal error: connect failed for ***');
    expect(toApiError('plain').message).toBe('Internal error: plain');
  });
});
