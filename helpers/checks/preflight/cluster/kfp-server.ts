import { HttpClient } from '../../../clients/http.js';
import { KfpHealthClient } from '../../../clients/kfp-health.js';
import { maskText } from '../../../config/mask.js';
import { type Check, fail, HintedError, pass, skip } from '../../check.js';
import { type ClusterPreflightContext, LOCAL_TARGET_REASON, unreachableDefaults } from './context.js';

/**
 * What a multi-user KFP needs that a single-user one does not: a profile namespace chosen by the
 * user (the preset's `kubeflow` is the system namespace, where runs are refused) and an identity —
 * a bearer token, or the user-id header the Istio front door normally sets.
 */
export function multiUserProblems(
  config: ClusterPreflightContext['config'],
  sources: ClusterPreflightContext['sources'],
): string[] {
  const problems: string[] = [];
  if ((sources['kfp.namespace'] ?? 'default') === 'default') {
    problems.push('runs belong to a profile namespace: set KFP_NAMESPACE to yours (e.g. kubeflow-user-example-com)');
  }
  const kfp = config.kfp;
  if (!kfp.token && !kfp.tokenFile && !kfp.tokenCommand && !(kfp.userIdHeader && kfp.userId)) {
    problems.push(
      'no identity: set KFP_TOKEN, KFP_TOKEN_FILE or KFP_TOKEN_COMMAND, or KFP_USER_ID_HEADER=kubeflow-userid with KFP_USER_ID',
    );
  }
  return problems;
}

/** The KFP server answers its v2beta1 healthz; its version and multi-user mode go into the evidence. */
export const kfpServer: Check<ClusterPreflightContext> = {
  id: 'preflight.kfp.server',
  stage: 'preflight',
  title: 'the KFP server answers healthz; its version and multi-user mode suit the configuration',
  async run(ctx) {
    if (ctx.config.target !== 'cluster') return skip(LOCAL_TARGET_REASON);
    if (unreachableDefaults(ctx).includes('kfp.host')) {
      return skip('requires preflight.cluster.endpoints, which failed: no KFP endpoint', {
        blockedBy: 'preflight.cluster.endpoints',
      });
    }
    const { config } = ctx;
    const http = new HttpClient({ timeoutMs: config.timeouts.requestMs });
    try {
      const client = new KfpHealthClient(http, { ...config.kfp, host: config.kfp.host ?? '' });
      const answer = await client.healthz();
      const health = answer.body;
      const evidence = {
        endpoint: client.endpoint,
        version: health.tag_name ?? 'not reported (KFP 2.x healthz sends no tag_name)',
        ...(health.commit_sha ? { commit: health.commit_sha } : {}),
        multiUser: health.multi_user ?? false,
        ...(health.pipeline_store ? { pipelineStore: health.pipeline_store } : {}),
        namespace: config.kfp.namespace,
        latencyMs: answer.latencyMs,
      };
      const problems = health.multi_user ? multiUserProblems(config, ctx.sources) : [];
      if (problems.length > 0) {
        return fail(
          `KFP at ${client.endpoint} is multi-user: ${problems.join('; ')}`,
          'multi-user KFP scopes pipelines, experiments and runs by profile namespace and user: see README "Multi-user KFP"',
          evidence,
        );
      }
      return pass(evidence);
    } catch (error) {
      const hint = error instanceof HintedError ? error.hint : undefined;
      return fail(
        maskText((error as Error).message),
        hint ?? 'is the port-forward or endpoint up? `kfp-e2e probe` checks every service',
      );
    } finally {
      await http.close();
    }
  },
};
