import { type Check, fail, pass, skip } from '../../check.js';
import { type ClusterPreflightContext, ENDPOINT_KEYS, LOCAL_TARGET_REASON, unreachableDefaults } from './context.js';

/** Why discovery did not fill the missing endpoints, in one clause. */
function discoveryReason(ctx: ClusterPreflightContext, missing: readonly string[]): string {
  const kube = ctx.cluster?.kube;
  if (!kube) return 'discovery did not run';
  if (kube.status === 'unreachable') return `no cluster reachable to discover them (${kube.reason})`;
  if (kube.status === 'not-used') return `discovery not used (${kube.reason})`;
  const reasons = (ctx.cluster?.undiscovered ?? []).filter((u) => missing.includes(u.key)).map((u) => u.reason);
  return reasons.length > 0
    ? `discovery in context ${kube.context} found no service for them (${reasons.join('; ')})`
    : `discovery in context ${kube.context} did not provide them`;
}

/**
 * The root check of a cluster run: every endpoint is given, discovered through kubectl, or (inside
 * a pod) an in-cluster DNS name. Otherwise the run stops here, in preflight, with one message
 * saying what to set or start — not minutes later at a DNS failure in the infrastructure stage.
 */
export const clusterEndpoints: Check<ClusterPreflightContext> = {
  id: 'preflight.cluster.endpoints',
  stage: 'preflight',
  title: 'every service endpoint is given, discovered or resolvable in-cluster',
  run(ctx) {
    if (ctx.config.target !== 'cluster') return skip(LOCAL_TARGET_REASON);
    const endpoints = Object.fromEntries(
      ENDPOINT_KEYS.map(({ key }) => [key, ctx.sources[key] ?? 'default']),
    ) as Record<string, string>;
    const forwarded = (ctx.cluster?.forwarded ?? []).map((f) => `${f.key} ← service/${f.service} (${f.namespace})`);
    const evidence = { sources: endpoints, inCluster: ctx.inCluster, ...(forwarded.length ? { forwarded } : {}) };
    const missing = unreachableDefaults(ctx);
    if (missing.length === 0) return pass(evidence);
    const envs = ENDPOINT_KEYS.filter(({ key }) => missing.includes(key)).map(({ env }) => env);
    return fail(
      `target cluster, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set and ${discoveryReason(ctx, missing)}`,
      `start the cluster (e.g. \`minikube start\`) with KFP and the services in namespace ${ctx.config.cluster.namespace ?? ctx.config.kfp.namespace} so the suite port-forwards them itself, or set ${envs.join(', ')} (for a local stack: \`kfp-e2e stack up --env-file FILE\`, then load FILE)`,
      evidence,
    );
  },
};
