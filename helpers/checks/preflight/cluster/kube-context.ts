import { type Check, fail, pass, skip } from '../../check.js';
import { type ClusterPreflightContext, LOCAL_TARGET_REASON, unreachableDefaults } from './context.js';

/** The kube context the suite discovered through answers and holds the services' namespace. */
export const kubeContext: Check<ClusterPreflightContext> = {
  id: 'preflight.cluster.kube-context',
  stage: 'preflight',
  title: 'the kube context answers and the services namespace exists',
  run(ctx) {
    if (ctx.config.target !== 'cluster') return skip(LOCAL_TARGET_REASON);
    const kube = ctx.cluster?.kube;
    if (!kube || kube.status === 'not-used') {
      return skip(`no kube context needed: ${kube?.reason ?? 'discovery did not run'}`, { discovery: 'not used' });
    }
    if (kube.status === 'unreachable') {
      // Without endpoints this is the endpoints check's failure already; with them, only the
      // cluster diagnostics (pod logs, events) are lost, which is not a reason to stop.
      return unreachableDefaults(ctx).length > 0
        ? skip(`requires preflight.cluster.endpoints, which failed: ${kube.reason}`, {
            blockedBy: 'preflight.cluster.endpoints',
          })
        : skip(`no kube context (${kube.reason}); the endpoints are given, so only pod diagnostics are unavailable`);
    }
    const namespace = ctx.cluster?.namespace;
    const evidence = { context: kube.context, serverVersion: kube.serverVersion, namespace };
    if (namespace?.error && !namespace.exists) {
      return fail(
        `namespace ${namespace.name} could not be read in kube context ${kube.context}: ${namespace.error}`,
        'the kube user may lack RBAC to read namespaces or services there: check `kubectl auth can-i list services -n <namespace>`',
        evidence,
      );
    }
    if (namespace && !namespace.exists) {
      return fail(
        `namespace ${namespace.name} not found in kube context ${kube.context}`,
        'check `kubectl get namespaces`; set E2E_CLUSTER_NAMESPACE (services) or KFP_NAMESPACE to where KFP runs',
        evidence,
      );
    }
    return pass(evidence);
  },
};
