import type { IncomingMessage } from 'node:http';
import { ApiError, GrpcCode } from './grpc-status.js';

/** The KFP server accepts pipeline files up to 32 MB; the local API holds every request body to that. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Room for the multipart framing around a maximal file. */
export const MAX_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024;

export function tooLarge(limit: number, what = 'request body'): ApiError {
  return new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `${what} exceeds the maximum size of ${limit} bytes`, {
    httpStatus: 413,
  });
}

/**
 * The whole body, refused early when Content-Length or the bytes received pass the limit (the
 * rest is not read: the caller answers and closes the connection).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', (error) => finish(error));
    req.once('aborted', () => finish(new Error('client aborted the request')));
  });
}
