import type { ClusterAccess } from '../../../cluster/cluster-access.js';
import type { ConfigSource } from '../../../config/config-error.js';
import { findKey } from '../../../config/keys.js';
import { SERVICE_ENDPOINTS } from '../../../config/presets.js';
import type { Config } from '../../../config/schema.js';

/** What the cluster preflight checks run on: the configuration and what the suite learned of the cluster. */
export interface ClusterPreflightContext {
  config: Config;
  sources: Readonly<Record<string, ConfigSource>>;
  /** Set by the global setup (or the CLI) for the cluster target; undefined for the local target. */
  cluster: ClusterAccess | undefined;
  packagePath: string;
  projectRoot: string;
  /** Inside a pod, the preset's in-cluster DNS names resolve; outside, they cannot. */
  inCluster: boolean;
}

/** The endpoints a cluster run needs, by config key and environment variable. */
export const ENDPOINT_KEYS = SERVICE_ENDPOINTS.filter((endpoint) => endpoint.required).map(({ key }) => ({
  key,
  env: findKey(key)?.env ?? key,
}));

/**
 * Endpoint keys still on the cluster preset's in-cluster DNS default: neither given by the user nor
 * discovered. Outside the cluster these names cannot resolve.
 */
export function unreachableDefaults(ctx: Pick<ClusterPreflightContext, 'sources' | 'inCluster'>): string[] {
  if (ctx.inCluster) return [];
  return ENDPOINT_KEYS.filter(({ key }) => (ctx.sources[key] ?? 'default') === 'default').map(({ key }) => key);
}

/** Kubernetes sets this variable in every pod. */
export function runningInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST);
}

export const LOCAL_TARGET_REASON = 'target is local: the suite starts and owns its stack';

/** The context for a configuration and what discovery learned (specs and CLI alike). */
export function clusterPreflightContextOf(
  resolved: { config: Config; sources: Readonly<Record<string, ConfigSource>> },
  cluster: ClusterAccess | undefined,
  projectRoot: string,
): ClusterPreflightContext {
  return {
    config: resolved.config,
    sources: resolved.sources,
    cluster,
    packagePath: resolved.config.pipeline.package,
    projectRoot,
    inCluster: runningInCluster(),
  };
}
