import { resolve } from 'node:path';
import { afterAll } from 'vitest';
import { suiteRunParameters } from '../../helpers/checks/preflight/run-parameters.js';
import { parseParamList } from '../../helpers/checks/preflight/runtime-params.js';
import type { SubmissionContext } from '../../helpers/checks/submission/context.js';
import { submissionChecks } from '../../helpers/checks/submission/submission-checks.js';
import { buildSubmitPlan } from '../../helpers/checks/submission/submit-plan.js';
import { kfpClientFromConfig } from '../../helpers/clients/kfp/kfp-client.js';
import { runUrl } from '../../helpers/clients/kfp/ui-urls.js';
import { maskText } from '../../helpers/config/mask.js';
import { writeSubmission } from '../../helpers/report/run-context.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

/**
 * Submits the configured pipeline package the way users do on a cluster — through the KFP
 * v2beta1 API — and hands the run to the contract stage. Runtime parameters: the conventional
 * dataset/identifier from the configuration plus E2E_PARAMS.
 */
let ctx: SubmissionContext | undefined;

function context(): SubmissionContext {
  if (ctx) return ctx;
  const { config, sources } = suiteConfig();
  const packagePath = resolve(PROJECT_ROOT, config.pipeline.package);
  const params = suiteRunParameters(config, packagePath, parseParamList(process.env.E2E_PARAMS).params);
  ctx = {
    config,
    // A multi-user KFP needs the user's profile namespace, not the preset's: the source tells them apart.
    sources,
    client: kfpClientFromConfig(config),
    plan: buildSubmitPlan(config, packagePath, params, { experiment: config.run.experiment }),
    session: {},
    log: (line) => process.stderr.write(`[kfp-e2e submission] ${maskText(line)}\n`),
  };
  return ctx;
}

/** The wait for the run is bounded by the configured run timeout, not by Vitest's default. */
function testTimeout(checkId: string): number | undefined {
  if (checkId !== 'submission.run.succeeded') return undefined;
  try {
    return suiteConfig().config.timeouts.runMs + 30_000;
  } catch {
    return undefined; // an invalid configuration fails preflight; this stage is skipped
  }
}

for (const check of submissionChecks) checkTest(check, context, testTimeout(check.id));

afterAll(async () => {
  if (!ctx) return;
  const { session, config, plan } = ctx;
  if (session.runId && session.pipelineId && session.versionId && session.experimentId) {
    writeSubmission({
      runId: session.runId,
      pipelineId: session.pipelineId,
      versionId: session.versionId,
      experimentId: session.experimentId,
      parameters: plan.parameters,
      state: session.run?.state ?? 'UNKNOWN',
      ...(session.submittedAt ? { submittedAt: session.submittedAt } : {}),
      ...(session.finishedAt ? { finishedAt: session.finishedAt } : {}),
      ...(config.kfp.uiHost ? { uiUrl: runUrl(config.kfp.uiHost, session.runId) } : {}),
    });
  }
  await Promise.allSettled([ctx.client.close(), session.client?.close()]);
});
