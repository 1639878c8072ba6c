import { type ApiServices, listQuery, listResponse } from './api-services.js';
import { ApiError, GrpcCode, invalidArgument } from './grpc-status.js';
import { parseListOptions } from './list-query.js';
import { type PipelinePackage, parsePipelineSpecStruct } from './pipeline-package.js';
import type { VersionRow } from './pipeline-store.js';
import { readBody } from './read-body.js';
import { RunMessage, type RunRequest } from './request-messages.js';
import type { Route } from './router.js';
import { RUN_LIST, toApiRun } from './run-store.js';
import { checkRuntimeParameters } from './runtime-parameters.js';
import { decodeJsonBody } from './strict-json.js';

/**
 * RunService: create (and queue for execution), get, list, terminate, delete. A run names its
 * pipeline by pipeline_version_reference (a pipeline id alone means its latest version), by the
 * deprecated pipeline_version_id, or carries an inline pipeline_spec. No experiment: the
 * Default one. No service account: `pipeline-runner`, the KFP default, as the server reports it.
 */

const R = '/apis/v2beta1/runs';
export const DEFAULT_SERVICE_ACCOUNT = 'pipeline-runner';

interface Source {
  version?: VersionRow;
  pkg: PipelinePackage;
  pipelineSpec?: Record<string, unknown>;
}

async function resolveSource({ pipelines }: ApiServices, run: RunRequest): Promise<Source> {
  const ref = run.pipeline_version_reference;
  let version: VersionRow | undefined;
  if (ref) {
    if (ref.pipeline_version_id) {
      version = await pipelines.getVersion(ref.pipeline_version_id);
      if (ref.pipeline_id && ref.pipeline_id !== version.pipeline_id) {
        throw invalidArgument(
          `Failed to create a run: pipeline version ${version.pipeline_version_id} belongs to pipeline ${version.pipeline_id}, not to ${ref.pipeline_id}`,
        );
      }
    } else if (ref.pipeline_id) {
      version = await pipelines.latestVersion(ref.pipeline_id);
    } else {
      throw invalidArgument(
        'Failed to create a run: pipeline_version_reference needs pipeline_id and pipeline_version_id',
      );
    }
  } else if (run.pipeline_version_id) {
    version = await pipelines.getVersion(run.pipeline_version_id);
  }
  if (version) {
    const parsed = parsePipelineSpecStruct(version.pipeline_spec);
    return { version, pkg: { ...parsed, text: version.pipeline_spec_text } };
  }
  if (run.pipeline_spec) return { pkg: parsePipelineSpecStruct(run.pipeline_spec), pipelineSpec: run.pipeline_spec };
  throw invalidArgument(
    'Failed to create a run: it needs a pipeline: pipeline_version_reference {pipeline_id, pipeline_version_id} or pipeline_spec',
  );
}

async function createRun(services: ApiServices, run: RunRequest) {
  if (!run.display_name?.trim())
    throw invalidArgument('Failed to create a run: The run name is empty. Please specify a valid name');
  const source = await resolveSource(services, run);
  const experiment = run.experiment_id
    ? await services.experiments.get(run.experiment_id)
    : await services.experiments.defaultExperiment();
  const runtimeConfig = {
    ...(run.runtime_config?.parameters ? { parameters: run.runtime_config.parameters } : {}),
    ...(run.runtime_config?.pipeline_root ? { pipeline_root: run.runtime_config.pipeline_root } : {}),
  };
  checkRuntimeParameters(source.pkg.spec, runtimeConfig.parameters ?? {});
  const pipeline = source.version ? await services.pipelines.getPipeline(source.version.pipeline_id) : undefined;
  const row = await services.runs.create({
    displayName: run.display_name,
    description: run.description ?? '',
    experimentId: experiment.experiment_id,
    namespace: experiment.namespace,
    pipelineId: source.version?.pipeline_id ?? '',
    pipelineVersionId: source.version?.pipeline_version_id ?? '',
    ...(source.pipelineSpec ? { pipelineSpec: source.pipelineSpec } : {}),
    pipelineSpecText: source.pkg.text,
    runtimeConfig,
    serviceAccount: run.service_account || DEFAULT_SERVICE_ACCOUNT,
    pipelineContextId: String(pipeline?.context_id ?? 0),
  });
  await services.experiments.touchLastRun(experiment.experiment_id, row.created_at);
  services.executor.enqueue(row.run_id);
  return toApiRun(row);
}

export function runRoutes(services: ApiServices): Route[] {
  const { runs, executor } = services;
  return [
    {
      method: 'POST',
      path: R,
      handler: async ({ req }) =>
        createRun(services, decodeJsonBody((await readBody(req)).toString('utf8'), RunMessage) as RunRequest),
    },
    {
      method: 'GET',
      path: R,
      // namespace is accepted and, in single-user mode, ignored.
      handler: async ({ query }) =>
        listResponse(
          'runs',
          await runs.list(parseListOptions(listQuery(query), RUN_LIST), {
            experimentId: query.get('experiment_id') || undefined,
          }),
          toApiRun,
        ),
    },
    {
      method: 'GET',
      path: `${R}/{run_id}`,
      handler: async ({ params }) => toApiRun(await runs.get(params.run_id as string)),
    },
    {
      method: 'POST',
      path: `${R}/{run_id}:terminate`,
      handler: async ({ params }) => {
        await executor.terminate(params.run_id as string);
        return {};
      },
    },
    {
      method: 'DELETE',
      path: `${R}/{run_id}`,
      handler: async ({ params }) => {
        const runId = params.run_id as string;
        await runs.get(runId);
        await executor.forget(runId);
        await runs.delete(runId);
        return {};
      },
    },
    ...['archive', 'unarchive', 'retry'].map(
      (verb): Route => ({
        method: 'POST',
        path: `${R}/{run_id}:${verb}`,
        handler: async () => {
          throw new ApiError(GrpcCode.UNIMPLEMENTED, `${verb} of runs is not implemented by the local KFP API`);
        },
      }),
    ),
  ];
}
