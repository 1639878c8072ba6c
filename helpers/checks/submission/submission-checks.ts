import { authFromConfig, describeAuth } from '../../clients/kfp/auth.js';
import { kfpClientFromConfig } from '../../clients/kfp/kfp-client.js';
import type { Run } from '../../clients/kfp/schemas.js';
import { runUrl } from '../../clients/kfp/ui-urls.js';
import { ensurePipelineVersion } from '../../clients/kfp/upload.js';
import { countTasks, RunWaitTimeoutError, waitForRun } from '../../clients/kfp/wait-for-run.js';
import { type Check, fail, pass, skip } from '../check.js';
import { multiUserGaps } from '../kfp-multi-user.js';
import type { SubmissionContext } from './context.js';
import { diagnoseRunFailure } from './run-failure-diagnostics.js';

type SubmissionCheck = Check<SubmissionContext>;

const clientOf = (ctx: SubmissionContext) => ctx.session.client ?? ctx.client;

/** A step whose prerequisite did not happen is skipped, naming it: one failure, no cascade. */
const requires = (what: string, id: string) => skip(`requires ${what} (${id}), which did not succeed`);

export const kfpHealthy: SubmissionCheck = {
  id: 'submission.kfp.healthy',
  stage: 'submission',
  title: 'the KFP API answers healthz',
  async run({ client, config, session, sources }) {
    const health = await client.healthz();
    if (!health.multi_user) {
      session.apiReady = true;
      return pass({ ...health });
    }
    // Multi-user servers scope pipelines, experiments and runs by namespace; single-user ones want none.
    const namespace = config.kfp.namespace;
    const auth = authFromConfig(config.kfp);
    const described = describeAuth(auth);
    const evidence = {
      ...health,
      namespace,
      ...(sources?.['kfp.namespace'] ? { namespaceSource: sources['kfp.namespace'] } : {}),
      // Not `token`: the report masks fields of that name whole, and this is only where it comes from.
      auth: { tokenSource: described.token, identity: described.identity },
    };
    const gaps = multiUserGaps(config, sources);
    if (gaps) return fail(`KFP at ${client.base} is multi-user: ${gaps.error}`, gaps.hint, evidence);
    session.client = kfpClientFromConfig(config, { namespace });
    session.apiReady = true;
    return pass(evidence);
  },
};

export const pipelineUploaded: SubmissionCheck = {
  id: 'submission.pipeline.uploaded',
  stage: 'submission',
  title: 'the pipeline package is uploaded (a new version only when its content changed)',
  async run(ctx) {
    const { plan, session } = ctx;
    const client = clientOf(ctx);
    if (!session.apiReady) return requires('a ready KFP API', kfpHealthy.id);
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
    if (!session.apiReady) return requires('a ready KFP API', kfpHealthy.id);
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
    const runId = session.runId;
    const started = performance.now();
    const observed = (run: Run | undefined) => ({
      runId,
      waitedMs: Math.round(performance.now() - started),
      tasks: (run?.run_details?.task_details ?? []).map((t) => ({
        name: t.display_name,
        state: t.state,
        error: t.error?.message,
      })),
      taskStates: countTasks(run),
      ...(config.kfp.uiHost ? { uiUrl: runUrl(config.kfp.uiHost, runId) } : {}),
    });
    const diagnose = (run: Run | undefined) =>
      diagnoseRunFailure(run, { config, ...(ctx.kubectl ? { kubectl: ctx.kubectl } : {}) });

    let run: Run;
    try {
      run = await waitForRun(client, runId, {
        timeoutMs: config.timeouts.runMs,
        onProgress: (p) => {
          if (p.changed)
            log(`run ${p.runId}: ${p.state} after ${(p.elapsedMs / 1000).toFixed(1)} s ${JSON.stringify(p.tasks)}`);
        },
      });
    } catch (error) {
      if (!(error instanceof RunWaitTimeoutError)) throw error;
      // Still going at the deadline: the unfinished tasks' pods say why (a pod stuck pulling its image).
      const { diagnostics, headline, hint } = await diagnose(error.lastRun);
      return fail(`${error.message}${headline ? `; ${headline}` : ''}`, hint ?? error.hint, {
        ...observed(error.lastRun),
        state: error.lastState,
        timedOut: true,
        diagnostics,
      });
    }
    session.run = run;
    session.finishedAt = new Date().toISOString();
    const evidence = { ...observed(run), state: run.state };
    if (run.state === 'SUCCEEDED') return pass(evidence);

    const { diagnostics, headline, hint } = await diagnose(run);
    const named = (state: string, word: string) => {
      const tasks = diagnostics.failedTasks.filter((t) => t.state === state);
      return tasks.length > 0
        ? `; ${word} task${tasks.length > 1 ? 's' : ''}: ${tasks.map((t) => `${t.name}${t.error ? ` (${t.error})` : ''}`).join(', ')}`
        : '';
    };
    return fail(
      `run ${runId} ended ${run.state}${run.error?.message ? `: ${run.error.message}` : ''}${named('FAILED', 'failed')}${named('CANCELED', 'canceled')}${headline ? `; ${headline}` : ''}`,
      hint ??
        (run.state === 'CANCELED'
          ? 'the run was terminated (KFP UI, API or CLI) before it finished: see who canceled it in the KFP UI, and submit again'
          : 'open the failed task’s logs (run details in the KFP UI, or kubectl logs of its pod)'),
      { ...evidence, diagnostics },
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
