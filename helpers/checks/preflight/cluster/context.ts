import type { ClusterAccess } from '../../../cluster/cluster-access.js';
import type { ConfigSource } from '../../../config/config-error.js';
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

/** The endpoints a cluster run needs, by config key. The UI host only makes links, so it is optional. */
export const ENDPOINT_KEYS = [
  { key: 'kfp.host', env: 'KFP_HOST' },
  { key: 'minio.endpoint', env: 'MINIO_ENDPOINT' },
  { key: 'mlflow.trackingUri', env: 'MLFLOW_TRACKING_URI' },
  { key: 'gateway.url', env: 'GATEWAY_URL' },
  { key: 'postgres.host', env: 'POSTGRES_HOST' },
] as const;

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
