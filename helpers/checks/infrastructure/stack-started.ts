import type { ForwardDown } from '../../report/run-context.js';
import type { StackFacts } from '../../vitest/provided-context.js';
import { type Check, fail, pass } from '../check.js';

/**
 * The local stack came up, or — cluster target — the port-forwards the suite opened to discovered
 * services are still up (or the target needs neither). When not, this is the one check that says
 * why — service, log tail or kubectl's last words, hint — instead of a pile of connection errors.
 */
export const stackStarted: Check<{ stack: StackFacts; forwardsDown?: readonly ForwardDown[] }> = {
  id: 'infrastructure.stack.started',
  stage: 'infrastructure',
  title: 'the local stack started, or the port-forwards to the cluster are up (or the target needs neither)',
  run: ({ stack, forwardsDown = [] }) => {
    const forwarded = (stack.cluster?.forwarded ?? []).map(
      (f) => `${f.key} ← service/${f.service} (${f.namespace}) ${f.remotePort} → 127.0.0.1:${f.localPort}`,
    );
    const evidence = { provider: stack.provider, services: stack.services, ...(forwarded.length ? { forwarded } : {}) };
    if (stack.startError) {
      return fail(
        stack.startError,
        'fix the cause above, or run `kfp-e2e stack up` to see the start step by step',
        evidence,
      );
    }
    if (forwardsDown.length > 0) {
      const namespace = forwardsDown[0]?.namespace ?? 'kubeflow';
      return fail(
        forwardsDown.map((d) => `port-forward to service/${d.service} (${d.key}) is down: ${d.reason}`).join('\n'),
        `the pod behind the service restarted or is not ready: \`kubectl -n ${namespace} get pods,endpoints\`, then run again (the forwards are opened per run)`,
        { ...evidence, down: forwardsDown },
      );
    }
    return pass(evidence);
  },
};
