import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyValues } from '../config/apply-values.js';
import type { Config } from '../config/schema.js';
import { freePort } from './native/free-port.js';
import { startGateway } from './native/gateway.js';
import type { ManagedProcess } from './native/managed-process.js';
import type { StackSpec, StartedService, StartedStack } from './provider.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * What the local stack runs on top of the servers, whatever the provider: the local KFP API and
 * the reference model gateway, as processes on this machine (both are parts of the system under
 * test that a cluster runs as pods; locally they run from the project virtualenv).
 */
export async function startReferenceServices(
  infra: StartedStack,
  config: Config,
  spec: Pick<StackSpec, 'workDir' | 'log' | 'track' | 'persistent'>,
): Promise<StartedStack> {
  const wired = applyValues(config, infra.values);
  const started: ManagedProcess[] = [];
  const stopOwn = async () => {
    await Promise.all(started.reverse().map((proc) => proc.stop()));
  };
  try {
    const dir = join(spec.workDir, 'gateway');
    mkdirSync(dir, { recursive: true });
    const gateway = await startGateway({ dir, port: await freePort(), config: wired, persistent: spec.persistent });
    started.push(gateway.process);
    spec.track?.(gateway.process.pid);
    spec.log(
      `gateway ready in ${seconds(gateway.readyMs)} (serves ${wired.run.dataset}/${wired.run.identifier} once promoted)`,
    );
    const services: StartedService[] = [
      {
        name: 'gateway',
        endpoint: gateway.url,
        pid: gateway.process.pid,
        logFile: gateway.process.spec.logFile,
        startMs: gateway.readyMs,
      },
    ];
    return {
      provider: infra.provider,
      values: { ...infra.values, 'gateway.url': gateway.url },
      services: [...infra.services, ...services],
      async stop() {
        await stopOwn();
        await infra.stop();
      },
    };
  } catch (error) {
    await stopOwn();
    throw error;
  }
}
