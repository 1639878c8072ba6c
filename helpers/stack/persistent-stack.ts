import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlatValues } from '../config/presets.js';
import { isAlive, signalGroup, waitForExit } from './native/managed-process.js';
import { httpOk } from './native/wait-ready.js';
import { NATIVE_PATHS } from './project-paths.js';
import type { StartedService, StartedStack } from './provider.js';

/** What `.stack/persistent/state.json` records about a stack that outlives its starter. */
export interface PersistentState {
  provider: StartedStack['provider'];
  fingerprint: string;
  startedAt: string;
  values: FlatValues;
  services: StartedService[];
}

export const PERSISTENT_DIR = NATIVE_PATHS.persistentStack;
const stateFile = join(PERSISTENT_DIR, 'state.json');

export function readPersistentState(): PersistentState | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as PersistentState;
  } catch {
    return undefined;
  }
}

export function writePersistentState(state: PersistentState): void {
  mkdirSync(PERSISTENT_DIR, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Health of a recorded stack: every process alive and every HTTP service answering. */
export async function persistentHealth(state: PersistentState): Promise<{ healthy: boolean; detail: string }> {
  for (const service of state.services) {
    if (service.pid !== undefined && !isAlive(service.pid))
      return { healthy: false, detail: `${service.name} (pid ${service.pid}) is not running` };
  }
  const probes: Record<string, string> = {
    minio: '/minio/health/ready',
    mlflow: '/health',
    gateway: '/health',
    kfp: '/apis/v2beta1/healthz',
  };
  for (const service of state.services) {
    const path = probes[service.name];
    if (!path) continue;
    try {
      await httpOk(`${service.endpoint}${path}`, 1000);
    } catch (error) {
      return {
        healthy: false,
        detail: `${service.name} does not answer at ${service.endpoint}: ${(error as Error).message}`,
      };
    }
  }
  return { healthy: true, detail: `${state.services.length} services healthy` };
}

/** Stops a recorded stack's processes and removes its data. Safe to call on a dead stack. */
export async function destroyPersistent(state: PersistentState | undefined): Promise<void> {
  for (const service of state?.services ?? []) if (service.pid !== undefined) signalGroup(service.pid, 'SIGTERM');
  await Promise.all(
    (state?.services ?? []).map(async (service) => {
      if (service.pid !== undefined && !(await waitForExit(service.pid, 10_000))) signalGroup(service.pid, 'SIGKILL');
    }),
  );
  rmSync(PERSISTENT_DIR, { recursive: true, force: true });
}

/** A handle on a reused stack: stopping it leaves it running (that is the point of reuse). */
export function attachedStack(state: PersistentState): StartedStack {
  return { provider: state.provider, values: state.values, services: state.services, stop: async () => {} };
}
