import { HttpClient } from '../../../clients/http.js';
import { KfpHealthClient } from '../../../clients/kfp-health.js';
import { maskText } from '../../../config/mask.js';
import { type Check, fail, HintedError, pass, skip } from '../../check.js';
import { multiUserGaps } from '../../kfp-multi-user.js';
import { type ClusterPreflightContext, LOCAL_TARGET_REASON, unreachableDefaults } from './context.js';

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
      const gaps = health.multi_user ? multiUserGaps(config, ctx.sources) : undefined;
      if (gaps) return fail(`KFP at ${client.endpoint} is multi-user: ${gaps.error}`, gaps.hint, evidence);
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
