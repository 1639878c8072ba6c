import type { ApiServices } from './api-services.js';
import { ApiError, GrpcCode, invalidArgument } from './grpc-status.js';
import { type FormPart, MultipartError, multipartBoundary, parseMultipart } from './multipart.js';
import { type PipelinePackage, parsePipelinePackage } from './pipeline-package.js';
import { toApiPipeline, toApiVersion } from './pipeline-store.js';
import { MAX_FILE_BYTES, readBody, tooLarge } from './read-body.js';
import type { RequestContext, Route } from './router.js';

/**
 * POST /apis/v2beta1/pipelines/upload and /upload_version: multipart with the package in the
 * `uploadfile` field, everything else in the query string. As on the KFP server: the name falls
 * back to display_name, then to the file name; display_name to the name; the version of a new
 * pipeline takes the pipeline's name and description; errors are `{error_message,
 * error_details}` with 400, 409 (name taken), 413 (file over 32 MB) or 500.
 */

const FORM_FILE = 'uploadfile';
const MAX_NAME = 128;
const MAX_NAMESPACE = 63;

async function readUploadFile(ctx: RequestContext, failure: string): Promise<FormPart & { filename: string }> {
  const boundary = multipartBoundary(ctx.req.headers['content-type']);
  if (!boundary) {
    throw invalidArgument(
      failure,
      'request is not multipart/form-data with a boundary: expected the package in form field "uploadfile"',
    );
  }
  const body = await readBody(ctx.req);
  let parts: FormPart[];
  try {
    parts = parseMultipart(body, boundary);
  } catch (error) {
    if (error instanceof MultipartError) throw invalidArgument(failure, `malformed multipart body: ${error.message}`);
    throw error;
  }
  const file = parts.find((part) => part.name === FORM_FILE && part.filename);
  if (!file?.filename) {
    const seen = parts.map((p) => `${p.name}${p.filename ? ` (file ${p.filename})` : ''}`).join(', ') || 'none';
    throw invalidArgument(failure, `no file in form field "${FORM_FILE}"; form fields seen: ${seen}`);
  }
  if (file.data.length > MAX_FILE_BYTES) throw tooLarge(MAX_FILE_BYTES, `pipeline file ${file.filename}`);
  return file as FormPart & { filename: string };
}

function checkLength(resource: string, field: string, value: string, max: number): void {
  if (value.length > max) throw invalidArgument(`${resource}.${field} length cannot exceed ${max}`);
}

function optional(query: URLSearchParams, key: string): string {
  return query.get(key) ?? '';
}

/** Errors of the create step, worded as the KFP server words them; the cause goes to error_details. */
function creationError(error: unknown, failure: string): unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.code === GrpcCode.ALREADY_EXISTS)
    return new ApiError(GrpcCode.ALREADY_EXISTS, failure, { details: error.message });
  if (error.code === GrpcCode.INVALID_ARGUMENT) return error;
  return new ApiError(GrpcCode.INTERNAL, failure, { details: error.message });
}

function parsePackage(file: FormPart & { filename: string }): PipelinePackage {
  return parsePipelinePackage(file.data, file.filename);
}

export function uploadRoutes(services: ApiServices): Route[] {
  return [
    {
      method: '*',
      path: '/apis/v2beta1/pipelines/upload',
      errorStyle: 'upload',
      async handler(ctx) {
        const failure = 'Failed to create a pipeline and a pipeline version';
        const file = await readUploadFile(ctx, 'Failed to read pipeline from file');
        const pkg = parsePackage(file);
        const { query } = ctx;
        checkLength('Pipeline', 'Namespace', optional(query, 'namespace'), MAX_NAMESPACE);
        const name = optional(query, 'name') || optional(query, 'display_name') || file.filename;
        checkLength('Pipeline', 'Name', name, MAX_NAME);
        const description = optional(query, 'description');
        const pipeline = await services.pipelines
          .createWithVersion(
            // Single-user mode: the KFP server replaces every namespace with the empty one.
            { name, displayName: optional(query, 'display_name') || name, description, namespace: '' },
            {
              name,
              displayName: optional(query, 'display_name') || name,
              description,
              codeSourceUrl: optional(query, 'code_source_url'),
              pkg,
            },
          )
          .catch((error: unknown) => {
            throw creationError(error, failure);
          });
        return toApiPipeline(pipeline);
      },
    },
    {
      method: '*',
      path: '/apis/v2beta1/pipelines/upload_version',
      errorStyle: 'upload',
      async handler(ctx) {
        const failure = 'Failed to create a pipeline version';
        const file = await readUploadFile(ctx, failure);
        const pkg = parsePackage(file);
        const { query } = ctx;
        const pipelineId = optional(query, 'pipelineid');
        if (!pipelineId) throw invalidArgument(failure, 'query parameter "pipelineid" is required');
        const name = optional(query, 'name') || optional(query, 'display_name') || file.filename;
        checkLength('PipelineVersion', 'Name', name, MAX_NAME);
        // An unknown parent is a 400 on the KFP server too (reading its namespace fails).
        await services.pipelines.getPipeline(pipelineId).catch((error: Error) => {
          throw invalidArgument(failure, error.message);
        });
        const version = await services.pipelines
          .createVersion(pipelineId, {
            name,
            displayName: optional(query, 'display_name') || name,
            description: optional(query, 'description'),
            codeSourceUrl: optional(query, 'code_source_url'),
            pkg,
          })
          .catch((error: unknown) => {
            throw creationError(error, failure);
          });
        return toApiVersion(version);
      },
    },
  ];
}
