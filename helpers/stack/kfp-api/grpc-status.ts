import { maskText } from '../../config/mask.js';

/** google.rpc.Code values the local API uses (the numbers travel in error bodies). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/**
 * HTTP status for a gRPC code, as grpc-gateway (v1, which the KFP API server runs) maps them.
 * FAILED_PRECONDITION is 400 there on purpose, not 412.
 */
export function httpStatusOf(code: GrpcCode): number {
  switch (code) {
    case GrpcCode.OK:
      return 200;
    case GrpcCode.CANCELLED:
      return 408;
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.FAILED_PRECONDITION:
      return 400;
    case GrpcCode.NOT_FOUND:
      return 404;
    case GrpcCode.ALREADY_EXISTS:
      return 409;
    case GrpcCode.PERMISSION_DENIED:
      return 403;
    case GrpcCode.RESOURCE_EXHAUSTED:
      return 429;
    case GrpcCode.UNIMPLEMENTED:
      return 501;
    case GrpcCode.UNAVAILABLE:
      return 503;
    case GrpcCode.UNAUTHENTICATED:
      return 401;
    default:
      return 500;
  }
}

/** A request the API refuses: the gRPC code decides the HTTP status and the body. */
export class ApiError extends Error {
  readonly code: GrpcCode;
  /** A longer explanation for `details` (the KFP server's api.Error `error_details`). */
  readonly details: string | undefined;
  /** Overrides the mapped HTTP status (the upload endpoints answer 413 for an oversized file). */
  readonly httpStatus: number;

  constructor(code: GrpcCode, message: string, options: { details?: string; httpStatus?: number } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = options.details;
    this.httpStatus = options.httpStatus ?? httpStatusOf(code);
  }
}

export const invalidArgument = (message: string, details?: string) =>
  new ApiError(GrpcCode.INVALID_ARGUMENT, message, { details });
export const notFound = (message: string) => new ApiError(GrpcCode.NOT_FOUND, message);
export const alreadyExists = (message: string) => new ApiError(GrpcCode.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new ApiError(GrpcCode.FAILED_PRECONDITION, message);

/** Anything thrown by a handler, as an ApiError; unknown errors become INTERNAL with their (masked) message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(GrpcCode.INTERNAL, `Internal error: ${maskText(message)}`);
}

/**
 * The error body of the grpc-gateway endpoints (swagger `runtimeError`):
 * `{error, code, message, details}`, details holding the server's api.Error like the real
 * server's `{"@type": "type.googleapis.com/api.Error", error_message, error_details}`.
 */
export function gatewayErrorBody(error: ApiError): Record<string, unknown> {
  const message = maskText(error.message);
  return {
    error: message,
    code: error.code,
    message,
    details: [
      {
        '@type': 'type.googleapis.com/api.Error',
        error_message: message,
        error_details: maskText(error.details ?? error.message),
      },
    ],
  };
}

/**
 * The error body of the two multipart upload endpoints, which the KFP server serves outside
 * grpc-gateway: a bare api.Error, `{error_message, error_details}`, no code.
 */
export function uploadErrorBody(error: ApiError): Record<string, unknown> {
  return { error_message: maskText(error.message), error_details: maskText(error.details ?? error.message) };
}
