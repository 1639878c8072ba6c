import type { TestProject } from 'vitest/node';
import { runningInCluster } from '../checks/preflight/cluster/context.js';
import { type ClusterAccessSession, openClusterAccess } from '../cluster/discover.js';
import { ConfigError } from '../config/config-error.js';
import { maskDeep, maskText } from '../config/mask.js';
import { resolveConfig } from '../config/resolve.js';
import { beginRun, recordForwardDown, STAGE_GATE_FILE } from '../report/run-context.js';
import type { StackFacts } from '../vitest/provided-context.js';
import { acquireLocalStack, type LocalStackHandle } from './lifecycle.js';
import type { ServiceName } from './provider.js';
import { ReaperHandle } from './reaper-handle.js';

const ALL_SERVICES: ServiceName[] = ['postgres', 'minio', 'mlflow', 'kfp', 'gateway'];

function log(line: string): void {
  process.stderr.write(`[kfp-e2e stack] ${maskText(line)}\n`);
}

/**
 * Vitest global setup of the E2E project: decides the target, starts (or reuses) the local stack
 * when the target is local, and hands the stack's endpoints to every spec. A stack that cannot
 * start does not abort the run: the infrastructure stage reports it, and later stages skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = new Date().toISOString();
  let facts: StackFacts;
  let handle: LocalStackHandle | undefined;
  let cluster: { session: ClusterAccessSession; reaper: ReturnType<typeof ReaperHandle.lazy> } | undefined;
  let target: 'local' | 'cluster' = 'local';
  try {
    const resolved = resolveConfig();
    const { config } = resolved;
    target = config.target;
    if (config.target === 'cluster' && !runningInCluster()) {
      // Endpoints not given are found through kubectl and port-forwarded; the reaper stops the
      // forwards should this process be killed before the teardown runs.
      const reaper = ReaperHandle.lazy();
      const session = await openClusterAccess(resolved, {
        log,
        onForwardDown: (endpoint) =>
          recordForwardDown({
            key: endpoint.key,
            service: endpoint.service,
            namespace: endpoint.namespace,
            reason: endpoint.down ?? 'exited',
          }),
        trackPid: (pid) => reaper.trackPid(pid),
      });
      cluster = { session, reaper };
      facts = {
        provider: 'external',
        values: {},
        services: ALL_SERVICES,
        cluster: session.access,
        discovered: session.discovered,
      };
    } else if (config.target === 'cluster' || config.stack === 'external') {
      facts = { provider: 'external', values: {}, services: ALL_SERVICES };
    } else {
      const persistent = /^(1|true|yes)$/i.test(process.env.STACK_REUSE ?? '');
      handle = await acquireLocalStack(config, { persistent, log });
      facts = {
        provider: handle.stack.provider,
        values: handle.stack.values,
        services: handle.stack.services.map((s) => s.name),
      };
    }
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? 'configuration invalid (see preflight.config.valid)'
        : maskText((error as Error).message);
    log(`the local stack is not available: ${message}`);
    facts = { provider: 'none', values: {}, services: [], startError: message };
  }
  project.provide('stack', facts);
  project.provide('stageGateFile', STAGE_GATE_FILE);

  let masked: Record<string, unknown> = {};
  let sources: Record<string, string> = {};
  try {
    const resolved = resolveConfig({
      stack: facts.values,
      ...(facts.discovered ? { discovered: facts.discovered } : {}),
    });
    masked = maskDeep(resolved.config) as unknown as Record<string, unknown>;
    sources = resolved.sources;
  } catch {
    // Reported by preflight.config.valid; the report then carries no config.
  }
  beginRun({ target, stackProvider: facts.provider, startedAt, config: masked, sources });

  return async () => {
    await handle?.release();
    if (cluster) {
      await cluster.session.close();
      cluster.reaper.release();
    }
  };
}
