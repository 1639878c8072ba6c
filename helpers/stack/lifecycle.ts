import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import {
  attachedStack,
  destroyPersistent,
  PERSISTENT_DIR,
  persistentHealth,
  readPersistentState,
  writePersistentState,
} from './persistent-stack.js';
import type { StartedStack } from './provider.js';
import { ReaperHandle } from './reaper-handle.js';
import { startReferenceServices } from './reference-services.js';
import { selectProvider } from './select-provider.js';
import { stackFingerprint, stackSpecFor } from './stack-spec.js';
import { VERSIONS } from './topology.js';

export interface LocalStackHandle {
  stack: StartedStack;
  /** True when a healthy stack from an earlier run was reused. */
  reused: boolean;
  /** Stops what this handle started (nothing, for a reused or persistent stack). Idempotent. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Keep the stack running after this process (STACK_REUSE=1, `kfp-e2e stack up`). */
  persistent: boolean;
  log: (line: string) => void;
}

/**
 * Starts the local stack for a configuration, or reuses a healthy persistent one whose
 * fingerprint (credentials, buckets, versions) matches. An ephemeral stack lives in a temp dir
 * and is watched by the reaper, so it goes away even when this process is killed.
 */
export async function acquireLocalStack(config: Config, options: AcquireOptions): Promise<LocalStackHandle> {
  const provider = await selectProvider(config.stack);
  if (options.persistent) return acquirePersistent(config, provider.name, options);

  const workDir = mkdtempSync(join(tmpdir(), 'kfp-e2e-'));
  const reaper = ReaperHandle.start();
  reaper.trackDir(workDir);
  const spec = { ...stackSpecFor(config, workDir, options.log), track: (pid: number) => reaper.trackPid(pid) };
  let stack: StartedStack;
  try {
    const infra = await provider.start(spec);
    stack = await startReferenceServices(infra, config, spec).catch(async (error: unknown) => {
      await infra.stop();
      throw error;
    });
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    reaper.release();
    throw error;
  }
  let released = false;
  return {
    stack,
    reused: false,
    async release() {
      if (released) return;
      released = true;
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
      reaper.release();
    },
  };
}

async function acquirePersistent(
  config: Config,
  providerName: string,
  options: AcquireOptions,
): Promise<LocalStackHandle> {
  if (providerName !== 'native') {
    throw new Error(
      'a persistent (reused) stack is supported with the native provider; with containers use testcontainers reuse (TESTCONTAINERS_REUSE_ENABLE=true)',
    );
  }
  const dataDir = join(PERSISTENT_DIR, 'data');
  const spec = { ...stackSpecFor(config, dataDir, options.log), persistent: true };
  const fingerprint = stackFingerprint(spec, providerName, VERSIONS);
  const previous = readPersistentState();
  if (previous) {
    const health =
      previous.fingerprint === fingerprint
        ? await persistentHealth(previous)
        : { healthy: false, detail: 'configuration changed' };
    if (health.healthy) {
      options.log(`reusing the running stack from ${previous.startedAt} (${health.detail})`);
      return { stack: attachedStack(previous), reused: true, release: async () => {} };
    }
    options.log(`not reusing the recorded stack: ${health.detail}; starting a fresh one`);
  }
  await destroyPersistent(previous);
  mkdirSync(dataDir, { recursive: true });
  const provider = await selectProvider('native');
  const infra = await provider.start(spec);
  const stack = await startReferenceServices(infra, config, spec).catch(async (error: unknown) => {
    await infra.stop();
    throw error;
  });
  writePersistentState({
    provider: stack.provider,
    fingerprint,
    startedAt: new Date().toISOString(),
    values: stack.values,
    services: stack.services,
  });
  return {
    stack: attachedStack({
      provider: stack.provider,
      fingerprint,
      startedAt: '',
      values: stack.values,
      services: stack.services,
    }),
    reused: false,
    release: async () => {},
  };
}

/** `kfp-e2e stack down`: stops the persistent stack, if any. */
export async function stopPersistentStack(): Promise<boolean> {
  const state = readPersistentState();
  await destroyPersistent(state);
  return state !== undefined;
}
