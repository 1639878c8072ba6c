import { type ApiServices, listQuery, listResponse } from './api-services.js';
import { ApiError, GrpcCode } from './grpc-status.js';
import { parseListOptions } from './list-query.js';
import { PIPELINE_LIST, toApiPipeline, toApiVersion, VERSION_LIST } from './pipeline-store.js';
import type { Route } from './router.js';

/** PipelineService: read and delete pipelines and versions (creating them is the upload endpoints' job). */

const P = '/apis/v2beta1/pipelines';

const unimplemented = (what: string) => async () => {
  throw new ApiError(
    GrpcCode.UNIMPLEMENTED,
    `${what} is not implemented by the local KFP API: upload the package with POST ${P}/upload or ${P}/upload_version`,
  );
};

export function pipelineRoutes({ pipelines }: ApiServices): Route[] {
  return [
    {
      method: 'GET',
      path: P,
      // The namespace parameter is accepted and, in single-user mode, ignored.
      handler: async ({ query }) =>
        listResponse(
          'pipelines',
          await pipelines.listPipelines(parseListOptions(listQuery(query), PIPELINE_LIST)),
          toApiPipeline,
        ),
    },
    { method: 'POST', path: P, handler: unimplemented('CreatePipeline') },
    { method: 'POST', path: `${P}/create`, handler: unimplemented('CreatePipelineAndVersion') },
    {
      method: 'GET',
      path: `${P}/names/{name}`,
      handler: async ({ params }) => toApiPipeline(await pipelines.getPipelineByName(params.name as string, '')),
    },
    {
      method: 'GET',
      path: `${P}/{pipeline_id}`,
      handler: async ({ params }) => toApiPipeline(await pipelines.getPipeline(params.pipeline_id as string)),
    },
    {
      method: 'DELETE',
      path: `${P}/{pipeline_id}`,
      handler: async ({ params }) => {
        await pipelines.deletePipeline(params.pipeline_id as string);
        return {};
      },
    },
    {
      method: 'GET',
      path: `${P}/{pipeline_id}/versions`,
      handler: async ({ params, query }) =>
        listResponse(
          'pipeline_versions',
          await pipelines.listVersions(params.pipeline_id as string, parseListOptions(listQuery(query), VERSION_LIST)),
          toApiVersion,
        ),
    },
    { method: 'POST', path: `${P}/{pipeline_id}/versions`, handler: unimplemented('CreatePipelineVersion') },
    {
      method: 'GET',
      path: `${P}/{pipeline_id}/versions/{pipeline_version_id}`,
      handler: async ({ params }) => toApiVersion(await pipelines.getVersion(params.pipeline_version_id as string)),
    },
    {
      method: 'DELETE',
      path: `${P}/{pipeline_id}/versions/{pipeline_version_id}`,
      handler: async ({ params }) => {
        await pipelines.deleteVersion(params.pipeline_version_id as string);
        return {};
      },
    },
  ];
}
