import { contentSha256, hashDescription, versionNameFor } from './content-hash.js';
import { equals, filterJson } from './filter.js';
import type { KfpClient } from './kfp-client.js';
import {
  createExperimentRequest,
  createRunRequest,
  findExperimentRequest,
  findPipelineRequest,
  getRunRequest,
  healthzRequest,
  type KfpRequest,
  listPipelineVersionsRequest,
  uploadPipelineRequest,
  uploadPipelineVersionRequest,
} from './requests.js';
import type { Experiment, Run } from './schemas.js';
import { type EnsuredVersion, ensurePipelineVersion } from './upload.js';

/**
 * One submission: the pipeline version (uploaded only when the content is new), the experiment
 * (created only when absent), and the run. `plannedRequests` lists the requests the same steps
 * send, for `--dry-run`.
 */

export interface SubmitPlan {
  pipelineName: string;
  content: Uint8Array;
  /** The upload's file name (the server picks the parser by its extension). */
  filename: string;
  experimentName: string;
  experimentDescription?: string;
  runName: string;
  /** Typed runtime parameters. */
  parameters: Record<string, unknown>;
  pipelineRoot?: string;
  serviceAccount?: string;
}

export interface Submitted {
  ensured: EnsuredVersion;
  experiment: Experiment;
  experimentCreated: boolean;
  run: Run;
}

export type SubmitStep = 'pipeline' | 'experiment' | 'run';

export async function submitRun(
  client: KfpClient,
  plan: SubmitPlan,
  onStep?: (step: SubmitStep, detail: string) => void,
): Promise<Submitted> {
  const ensured = await ensurePipelineVersion(client, {
    name: plan.pipelineName,
    content: plan.content,
    filename: plan.filename,
  });
  onStep?.('pipeline', ensured.reason);
  const { experiment, created: experimentCreated } = await client.getOrCreateExperiment(plan.experimentName, {
    ...(plan.experimentDescription ? { description: plan.experimentDescription } : {}),
  });
  onStep?.('experiment', experimentCreated ? 'created' : 'existing');
  const run = await client.createRun({
    displayName: plan.runName,
    experimentId: experiment.experiment_id,
    pipelineId: ensured.pipeline.pipeline_id,
    pipelineVersionId: ensured.version.pipeline_version_id,
    parameters: plan.parameters,
    ...(plan.pipelineRoot ? { pipelineRoot: plan.pipelineRoot } : {}),
    ...(plan.serviceAccount ? { serviceAccount: plan.serviceAccount } : {}),
  });
  onStep?.('run', 'created');
  return { ensured, experiment, experimentCreated, run };
}

export interface PlannedRequest {
  /** Why it is sent and when. */
  when: string;
  request: KfpRequest;
}

/** Placeholders for ids the server hands out. */
export const PLACEHOLDER = {
  pipelineId: '<pipeline_id>',
  versionId: '<pipeline_version_id>',
  experimentId: '<experiment_id>',
  runId: '<run_id>',
} as const;

/** The requests `submitRun` (preceded by healthz, followed by the wait) sends, in order. */
export function plannedRequests(plan: SubmitPlan, options: { namespace?: string; wait: boolean }): PlannedRequest[] {
  const sha256 = contentSha256(plan.content);
  const versionName = versionNameFor(plan.pipelineName, sha256);
  const description = hashDescription(sha256);
  const upload = { content: plan.content, filename: plan.filename, description };
  const ns = options.namespace;
  const planned: PlannedRequest[] = [
    { when: 'always: server version and multi-user mode', request: healthzRequest() },
    {
      when: `always: is there a pipeline named "${plan.pipelineName}"?`,
      request: findPipelineRequest(plan.pipelineName, ns),
    },
    {
      when: 'only when no such pipeline exists: creates it with its first version',
      request: uploadPipelineRequest({ ...upload, name: plan.pipelineName, namespace: ns }),
    },
    {
      when: `when the pipeline exists: is there a version "${versionName}" (this content)?`,
      request: listPipelineVersionsRequest(PLACEHOLDER.pipelineId, {
        filter: filterJson(equals('name', versionName)),
        pageSize: 10,
      }),
    },
    {
      when: `when not: does one of the newest versions record ${description}?`,
      request: listPipelineVersionsRequest(PLACEHOLDER.pipelineId, { sortBy: 'created_at desc', pageSize: 20 }),
    },
    {
      when: 'only when no version holds this content: uploads it as a new version',
      request: uploadPipelineVersionRequest({ ...upload, pipelineId: PLACEHOLDER.pipelineId, name: versionName }),
    },
    {
      when: `always: is there an experiment named "${plan.experimentName}"?`,
      request: findExperimentRequest(plan.experimentName, ns),
    },
    {
      when: 'only when it does not exist',
      request: createExperimentRequest({
        displayName: plan.experimentName,
        ...(plan.experimentDescription ? { description: plan.experimentDescription } : {}),
        ...(ns ? { namespace: ns } : {}),
      }),
    },
    {
      when: 'always: creates the run',
      request: createRunRequest({
        displayName: plan.runName,
        experimentId: PLACEHOLDER.experimentId,
        pipelineId: PLACEHOLDER.pipelineId,
        pipelineVersionId: PLACEHOLDER.versionId,
        parameters: plan.parameters,
        ...(plan.pipelineRoot ? { pipelineRoot: plan.pipelineRoot } : {}),
        ...(plan.serviceAccount ? { serviceAccount: plan.serviceAccount } : {}),
      }),
    },
  ];
  if (options.wait) {
    planned.push({
      when: 'repeated with backoff (1 s … 10 s) until a terminal state or the timeout',
      request: getRunRequest(PLACEHOLDER.runId),
    });
  }
  return planned;
}
