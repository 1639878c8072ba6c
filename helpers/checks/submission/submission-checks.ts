import { kfpClientFromConfig } from '../../clients/kfp/kfp-client.js';
import { runUrl } from '../../clients/kfp/ui-urls.js';
import { ensurePipelineVersion } from '../../clients/kfp/upload.js';
import { countTasks, waitForRun } from '../../clients/kfp/wait-for-run.js';
import { type Check, fail, pass, skip } from '../check.js';
import type { SubmissionContext } from './context.js';

type SubmissionCheck = Check<SubmissionContext>;

const clientOf = (ctx: SubmissionContext) => ctx.session.client ?? ctx.client;

/** A step whose prerequisite did not happen is skipped, naming it: one failure, no cascade. */
const requires = (what: string, id: string) => skip(`requires ${what} (${id}), which did not succeed`);

export const kfpHealthy: SubmissionCheck = {
  id: 'submission.kfp.healthy',
  stage: 'submission',
  title: 'the KFP API answers healthz',
  async run({ client, config, session }) {
    const health = await client.healthz();
    // Multi-user servers scope pipelines, experiments and runs by namespace; single-user ones want none.
    if (health.multi_user) session.client = kfpClientFromConfig(config, { namespace: config.kfp.namespace });
    return pass({ ...health, ...(health.multi_user ? { namespace: config.kfp.namespace } : {}) });
  },
};

export const pipelineUploaded: SubmissionCheck = {
  id: 'submission.pipeline.uploaded',
  stage: 'submission',
  title: 'the pipeline package is uploaded (a new version only when its content changed)',
  async run(ctx) {
    const { plan, session } = ctx;
    const client = clientOf(ctx);
    const ensured = await ensurePipelineVersion(client, {
      name: plan.pipelineName,
      content: plan.content,
      filename: plan.filename,
    });
    session.pipelineId = ensured.pipeline.pipeline_id;
    session.versionId = ensured.version.pipeline_version_id;
    return pass({
      pipelineName: plan.pipelineName,
      pipelineId: session.pipelineId,
      versionId: session.versionId,
      versionName: ensured.version.name,
      newVersion: ensured.created,
      reason: ensured.reason,
      sha256: ensured.sha256,
    });
  },
};

export const experimentPresent: SubmissionCheck = {
  id: 'submission.experiment.present',
  stage: 'submission',
  title: 'the experiment exists (created when absent)',
  async run(ctx) {
    const { plan, session } = ctx;
    const client = clientOf(ctx);
    const { experiment, created } = await client.getOrCreateExperiment(plan.experimentName, {
      ...(plan.experimentDescription ? { description: plan.experimentDescription } : {}),
    });
    session.experimentId = experiment.experiment_id;
    return pass({ experimentName: plan.experimentName, experimentId: experiment.experiment_id, created });
  },
};

export const runCreated: SubmissionCheck = {
  id: 'submission.run.created',
  stage: 'submission',
  title: 'the run is created with the expected parameters',
  async run(ctx) {
    const { plan, session } = ctx;
    const client = clientOf(ctx);
    if (!session.pipelineId || !session.versionId) return requires('the uploaded pipeline', pipelineUploaded.id);
    if (!session.experimentId) return requires('the experiment', experimentPresent.id);
    const run = await client.createRun({
      displayName: plan.runName,
      experimentId: session.experimentId,
      pipelineId: session.pipelineId,
      pipelineVersionId: session.versionId,
      parameters: plan.parameters,
      ...(plan.pipelineRoot ? { pipelineRoot: plan.pipelineRoot } : {}),
      ...(plan.serviceAccount ? { serviceAccount: plan.serviceAccount } : {}),
    });
    session.runId = run.run_id;
    session.submittedAt = new Date().toISOString();
    const echoed = run.runtime_config?.parameters ?? {};
    const evidence = { runId: run.run_id, displayName: plan.runName, state: run.state, sent: plan.parameters, echoed };
    const differing = Object.entries(plan.parameters).filter(
      ([name, value]) => JSON.stringify(echoed[name]) !== JSON.stringify(value),
    );
    if (differing.length > 0) {
      return fail(
        `the server recorded other parameters than were sent: ${differing
          .map(([name, value]) => `${name}: sent ${JSON.stringify(value)}, recorded ${JSON.stringify(echoed[name])}`)
          .join('; ')}`,
        'the API dropped or changed runtime_config.parameters: check the parameter types in the package',
        evidence,
      );
    }
    return pass(evidence);
  },
};

export const runSucceeded: SubmissionCheck = {
  id: 'submission.run.succeeded',
  stage: 'submission',
  title: 'the run reaches SUCCEEDED within the configured timeout',
  async run(ctx) {
    const { config, session, log } = ctx;
    const client = clientOf(ctx);
    if (!session.runId) return requires('a created run', runCreated.id);
    const started = performance.now();
    const run = await waitForRun(client, session.runId, {
      timeoutMs: config.timeouts.runMs,
      onProgress: (p) => {
        if (p.changed)
          log(`run ${p.runId}: ${p.state} after ${(p.elapsedMs / 1000).toFixed(1)} s ${JSON.stringify(p.tasks)}`);
      },
    });
    session.run = run;
    session.finishedAt = new Date().toISOString();
    const tasks = (run.run_details?.task_details ?? []).map((t) => ({
      name: t.display_name,
      state: t.state,
      error: t.error?.message,
    }));
    const evidence = {
      runId: session.runId,
      state: run.state,
      waitedMs: Math.round(performance.now() - started),
      tasks,
      taskStates: countTasks(run),
      ...(config.kfp.uiHost ? { uiUrl: runUrl(config.kfp.uiHost, session.runId) } : {}),
    };
    if (run.state === 'SUCCEEDED') return pass(evidence);
    const failed = tasks.filter((t) => t.state === 'FAILED');
    const named =
      failed.length > 0
        ? `; failed task${failed.length > 1 ? 's' : ''}: ${failed.map((t) => `${t.name}${t.error ? ` (${t.error})` : ''}`).join(', ')}`
        : '';
    return fail(
      `run ${session.runId} ended ${run.state}${run.error?.message ? `: ${run.error.message}` : ''}${named}`,
      run.state === 'CANCELED'
        ? 'the run was terminated: see who canceled it in the KFP UI'
        : 'open the failed task’s logs (run details in the KFP UI, or kubectl logs of its pod)',
      evidence,
    );
  },
};

/** In order: each step feeds the next through the session. */
export const submissionChecks: readonly SubmissionCheck[] = [
  kfpHealthy,
  pipelineUploaded,
  experimentPresent,
  runCreated,
  runSucceeded,
];
