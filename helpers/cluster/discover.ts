import { HintedError } from '../checks/check.js';
import { namespaceExists, probeKubeContext } from '../clients/kube/kube-context.js';
import { createKubectl, type Kubectl, KubectlError } from '../clients/kube/kubectl.js';
import { PortForward } from '../clients/kube/port-forward.js';
import { choosePort, getService } from '../clients/kube/services.js';
import { maskText } from '../config/mask.js';
import type { FlatValues } from '../config/presets.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ClusterAccess, ForwardedEndpoint } from './cluster-access.js';
import { type DiscoveryTarget, planDiscovery } from './discovery-plan.js';

/** Bound of the reachability probe: a cluster that is down costs at most this, whatever requestMs says. */
export const REACHABILITY_TIMEOUT_MS = 4000;
/** How long one kubectl port-forward may take to report its local port. */
export const FORWARD_READY_TIMEOUT_MS = 10_000;

export interface OpenClusterAccessOptions {
  /** Progress, one line each (the caller masks and prefixes them). */
  log(line: string): void;
  /** Defaults to `cluster.kubectl` with `cluster.kubeContext` and `timeouts.requestMs`. */
  kubectl?: Kubectl;
  /** Hands every port-forward's pid to the crash reaper (its process group is stopped if we die). */
  trackPid?(pid: number): void;
  /** Defaults to min(timeouts.requestMs, REACHABILITY_TIMEOUT_MS). */
  reachabilityTimeoutMs?: number;
  /** Defaults to FORWARD_READY_TIMEOUT_MS. */
  forwardReadyTimeoutMs?: number;
  /** Told when a forward dies after it was up, so the run can report it (the specs run elsewhere). */
  onForwardDown?(endpoint: ForwardedEndpoint): void;
}

export interface ClusterAccessSession {
  access: ClusterAccess;
  /** Config values for `resolveConfig({ discovered })`: the forwarded endpoints by key. */
  discovered: FlatValues;
  /** Closes every port-forward and waits until each kubectl is gone. Idempotent. */
  close(): Promise<void>;
}

type Outcome = { forwarded: ForwardedEndpoint } | { undiscovered: { key: string; service: string; reason: string } };

/**
 * Cluster target: finds the services behind the endpoints the user did not give and reaches each
 * through a `kubectl port-forward` the session owns. Never throws for a cluster that is missing or
 * down — that is `kube.status: 'unreachable'` with the reason — nor for a missing service — that is
 * an `undiscovered` entry. Only an unexpected error throws, after closing whatever was opened.
 */
export async function openClusterAccess(
  resolved: ResolvedConfig,
  options: OpenClusterAccessOptions,
): Promise<ClusterAccessSession> {
  const { config } = resolved;
  const log = (line: string) => options.log(maskText(line));
  const plan = planDiscovery(resolved);
  const undiscovered = [...plan.skipped];
  if (plan.notNeeded !== undefined) {
    log(`cluster discovery not used: ${plan.notNeeded}`);
    return idle({ kube: { status: 'not-used', reason: plan.notNeeded }, forwarded: [], undiscovered });
  }

  const kubectl =
    options.kubectl ??
    createKubectl({
      executable: config.cluster.kubectl,
      context: config.cluster.kubeContext,
      timeoutMs: config.timeouts.requestMs,
    });
  const kube = await probeKubeContext(kubectl, {
    context: config.cluster.kubeContext,
    timeoutMs: options.reachabilityTimeoutMs ?? Math.min(config.timeouts.requestMs, REACHABILITY_TIMEOUT_MS),
  });
  if (kube.status === 'unreachable') {
    log(`cluster discovery: no kube context to discover in: ${kube.reason}`);
    for (const t of plan.targets) {
      undiscovered.push({ key: t.key, service: t.service, reason: `no reachable cluster: ${kube.reason}` });
    }
    return idle({ kube, forwarded: [], undiscovered });
  }
  log(
    `cluster discovery in context ${kube.context} (server ${kube.serverVersion ?? 'unknown'}), namespace ${plan.namespace}: ${plan.targets.map((t) => t.key).join(', ')}`,
  );

  const namespace = await checkNamespace(kubectl, plan.namespace);
  if (!namespace.exists && !namespace.error) log(`namespace ${plan.namespace} not found`);
  if (namespace.error)
    log(`namespace ${plan.namespace}: could not check it (${namespace.error}); looking up services anyway`);

  const forwards: PortForward[] = [];
  const discoverOne = async (target: DiscoveryTarget): Promise<Outcome> => {
    const miss = (reason: string): Outcome => ({
      undiscovered: { key: target.key, service: target.service, reason: maskText(reason) },
    });
    if (target.namespace === plan.namespace && !namespace.exists && !namespace.error) {
      return miss(`namespace ${target.namespace} not found`);
    }
    try {
      const service = await getService(kubectl, target.service, target.namespace);
      if (!service) return miss(`service ${target.service} not found in namespace ${target.namespace}`);
      const choice = choosePort(target.role, service);
      if (!choice.ok) return miss(choice.reason);
      const forward = await PortForward.open({
        command: kubectl.command,
        service: target.service,
        namespace: target.namespace,
        port: choice.port.port,
        readyTimeoutMs: options.forwardReadyTimeoutMs ?? FORWARD_READY_TIMEOUT_MS,
        onSpawn: (pid) => options.trackPid?.(pid),
      });
      forwards.push(forward);
      const endpoint: ForwardedEndpoint = {
        key: target.key,
        service: target.service,
        namespace: target.namespace,
        remotePort: choice.port.port,
        podPort: forward.podPort,
        localPort: forward.localPort,
        value: target.key === 'postgres.host' ? '127.0.0.1' : `http://127.0.0.1:${forward.localPort}`,
      };
      forward.onDown((reason) => {
        endpoint.down = reason;
        log(reason);
        options.onForwardDown?.(endpoint);
      });
      log(
        `port-forward service/${target.service} ${choice.port.port} -> 127.0.0.1:${forward.localPort} (${target.key})`,
      );
      return { forwarded: endpoint };
    } catch (error) {
      if (error instanceof KubectlError)
        return miss(`service ${target.service} in namespace ${target.namespace}: ${error.detail}`);
      // Bad kubectl output, or a port-forward that did not come up: its message says which.
      if (error instanceof HintedError) return miss(error.message);
      throw error;
    }
  };

  const settled = await Promise.allSettled(plan.targets.map(discoverOne));
  const closeAll = async () => {
    await Promise.all(forwards.map((f) => f.close()));
  };
  const broken = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (broken) {
    await closeAll();
    throw broken.reason;
  }

  const forwarded: ForwardedEndpoint[] = [];
  for (const result of settled) {
    if (result.status !== 'fulfilled') continue;
    if ('forwarded' in result.value) forwarded.push(result.value.forwarded);
    else {
      undiscovered.push(result.value.undiscovered);
      log(`not discovered: ${result.value.undiscovered.key}: ${result.value.undiscovered.reason}`);
    }
  }
  if (namespace.error && forwarded.some((f) => f.namespace === plan.namespace)) namespace.exists = true;

  const discovered: FlatValues = {};
  for (const f of forwarded) {
    discovered[f.key] = f.value;
    if (f.key === 'postgres.host') discovered['postgres.port'] = f.localPort;
  }

  let closing: Promise<void> | undefined;
  return {
    access: { kube, namespace, forwarded, undiscovered },
    discovered,
    close: () => {
      closing ??= closeAll().then(() => {
        if (forwards.length) log(`closed ${forwards.length} port-forward${forwards.length === 1 ? '' : 's'}`);
      });
      return closing;
    },
  };
}

/** Whether the services' namespace exists; a failure other than NotFound is kept, not fatal. */
async function checkNamespace(kubectl: Kubectl, name: string): Promise<NonNullable<ClusterAccess['namespace']>> {
  try {
    return { name, exists: await namespaceExists(kubectl, name) };
  } catch (error) {
    const detail = error instanceof KubectlError ? error.detail : (error as Error).message;
    return { name, exists: false, error: maskText(detail) };
  }
}

function idle(access: ClusterAccess): ClusterAccessSession {
  return { access, discovered: {}, close: async () => {} };
}
