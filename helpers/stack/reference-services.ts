import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyValues } from '../config/apply-values.js';
import type { Config } from '../config/schema.js';
import { formatSeconds } from '../util/format-seconds.js';
import { freePort } from './native/free-port.js';
import { startGateway } from './native/gateway.js';
import { startKfpApiProcess } from './native/kfp-api-process.js';
import type { ManagedProcess } from './native/managed-process.js';
import type { StackSpec, StartedService, StartedStack } from './provider.js';

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
    const dir = (name: string) => {
      const path = join(spec.workDir, name);
      mkdirSync(path, { recursive: true });
      return path;
    };
    const keep = <T extends { process: ManagedProcess }>(service: T): T => {
      started.push(service.process);
      spec.track?.(service.process.pid);
      return service;
    };
    const [gatewayPort, kfpPort] = await Promise.all([freePort(), freePort()]);
    // Both only need the servers: start them side by side; allSettled so a failure stops the other too.
    const [gatewayResult, kfpResult] = await Promise.allSettled([
      startGateway({ dir: dir('gateway'), port: gatewayPort, config: wired, persistent: spec.persistent }).then(keep),
      startKfpApiProcess({ dir: dir('kfp-api'), port: kfpPort, config: wired, persistent: spec.persistent }).then(keep),
    ]);
    if (gatewayResult.status === 'rejected') throw gatewayResult.reason;
    if (kfpResult.status === 'rejected') throw kfpResult.reason;
    const [gateway, kfp] = [gatewayResult.value, kfpResult.value];
    spec.log(
      `gateway ready in ${formatSeconds(gateway.readyMs)} (serves ${wired.run.dataset}/${wired.run.identifier} once promoted)`,
    );
    spec.log(`local KFP API ready in ${formatSeconds(kfp.readyMs)}`);
    const services: StartedService[] = [
      { name: 'kfp', endpoint: kfp.url, pid: kfp.process.pid, logFile: kfp.process.spec.logFile, startMs: kfp.readyMs },
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
      values: { ...infra.values, 'gateway.url': gateway.url, 'kfp.host': kfp.url },
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
