import { parseServiceRef, SERVICE_ENDPOINTS, type ServiceKey } from '../config/presets.js';
import type { ResolvedConfig } from '../config/resolve.js';

export interface DiscoveryTarget {
  /** The config key the forward fills. */
  key: string;
  role: ServiceKey;
  service: string;
  namespace: string;
}

export interface DiscoveryPlan {
  /** Namespace of the platform services: `cluster.namespace`, else `kfp.namespace`. */
  namespace: string;
  targets: DiscoveryTarget[];
  /** Keys left on their default that discovery must not fill, with the reason. */
  skipped: Array<{ key: string; service: string; reason: string }>;
  /** Set when there is nothing to discover (no kubectl call at all), saying why. */
  notNeeded?: string;
}

/**
 * Which endpoints to discover: those still on the preset's in-cluster DNS default (source
 * `default`). Whatever the user gave — flag, environment, file — is never touched.
 */
export function planDiscovery(resolved: ResolvedConfig): DiscoveryPlan {
  const { config, sources } = resolved;
  const namespace = config.cluster.namespace ?? config.kfp.namespace;
  if (config.target !== 'cluster') {
    return { namespace, targets: [], skipped: [], notNeeded: 'target is local: nothing to discover' };
  }
  if (config.cluster.discovery === 'off') {
    const origin = sources['cluster.discovery'] ?? 'default';
    return { namespace, targets: [], skipped: [], notNeeded: `discovery is off (cluster.discovery from ${origin})` };
  }
  const targets: DiscoveryTarget[] = [];
  const skipped: DiscoveryPlan['skipped'] = [];
  for (const { key, role } of SERVICE_ENDPOINTS) {
    if (sources[key] !== 'default') continue;
    const { namespace: ns, name } = parseServiceRef(config.cluster.services[role], namespace);
    if (key === 'postgres.host' && sources['postgres.port'] !== 'default') {
      // The given port would win over the forward's local port and point 127.0.0.1 at nothing.
      skipped.push({
        key,
        service: name,
        reason: `postgres.port is given (${sources['postgres.port']}) but postgres.host is not: give both, or neither so discovery forwards both`,
      });
      continue;
    }
    targets.push({ key, role, service: name, namespace: ns });
  }
  if (targets.length === 0) {
    const notNeeded = skipped.length
      ? 'no endpoint left to discover'
      : 'every endpoint is given (none on its in-cluster default): nothing to discover';
    return { namespace, targets, skipped, notNeeded };
  }
  return { namespace, targets, skipped };
}
