import { describeLast } from '../../util/retry-until.js';
import type { ContainerService } from './container-definition.js';
import type { RunningContainer, RunningNetwork } from './stack-runtime.js';

/**
 * Everything the stack started, stopped in one place and at most once: MLflow first (it holds
 * connections to both stores), then the stores, then the network they share. A failure to stop
 * is reported, not thrown — testcontainers' Ryuk removes what is left when the process exits.
 */
export class StackTeardown {
  private readonly containers: { service: ContainerService; container: RunningContainer }[] = [];
  private network: RunningNetwork | undefined;
  private stopping: Promise<void> | undefined;
  private readonly report: (line: string) => void;

  constructor(report: (line: string) => void) {
    this.report = report;
  }

  trackNetwork(network: RunningNetwork): void {
    this.network = network;
  }

  track(service: ContainerService, container: RunningContainer): void {
    this.containers.push({ service, container });
  }

  /** Idempotent: every caller gets the same teardown. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        problems.push(`${what}: ${describeLast(error)}`);
      }
    };
    const stopAll = (list: typeof this.containers) =>
      Promise.all(list.map(({ service, container }) => attempt(service, () => container.stop())));
    await stopAll(this.containers.filter((c) => c.service === 'mlflow'));
    await stopAll(this.containers.filter((c) => c.service !== 'mlflow'));
    const network = this.network;
    if (network) await attempt('network', () => network.stop());
    if (problems.length > 0) {
      this.report(
        `could not stop everything (${problems.join('; ')}); testcontainers' Ryuk removes the rest when this process exits`,
      );
    }
  }
}
