import { runningInCluster } from '../checks/preflight/cluster/context.js';
import type { ClusterAccess } from '../cluster/cluster-access.js';
import { openClusterAccess } from '../cluster/discover.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { ReaperHandle } from '../stack/reaper-handle.js';
import { type ConfigOptions, configFromOptions } from './config-options.js';
import { err } from './output.js';

/** A command's configuration, with the cluster's discovered endpoints in it when there are any. */
export interface CommandConfig {
  resolved: ResolvedConfig;
  /** Cluster target outside a pod: what discovery found (undefined otherwise). */
  cluster: ClusterAccess | undefined;
  /** The same configuration with more flags (e.g. another package path), discovered endpoints kept. */
  resolveWith(extraFlags: Record<string, string>): ResolvedConfig;
}

/**
 * Runs a command with its configuration. For the cluster target, endpoints the user did not give
 * are discovered through kubectl and port-forwarded for the command's lifetime — closed when it
 * ends, and by the crash reaper should the CLI be killed. Progress goes to stderr.
 */
export async function withClusterAccess<T>(
  options: ConfigOptions,
  flags: Record<string, string>,
  run: (config: CommandConfig) => Promise<T>,
): Promise<T> {
  const first = configFromOptions(options, flags);
  if (first.config.target !== 'cluster' || runningInCluster()) {
    return run({
      resolved: first,
      cluster: undefined,
      resolveWith: (extra) => configFromOptions(options, { ...flags, ...extra }),
    });
  }
  const reaper = ReaperHandle.lazy();
  const session = await openClusterAccess(first, {
    log: (line) => err(`kfp-e2e: ${line}`),
    trackPid: (pid) => reaper.trackPid(pid),
  });
  try {
    const resolveWith = (extra: Record<string, string>) =>
      configFromOptions(options, { ...flags, ...extra }, session.discovered);
    return await run({ resolved: resolveWith({}), cluster: session.access, resolveWith });
  } finally {
    await session.close();
    reaper.release();
  }
}
