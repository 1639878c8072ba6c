import type { ContainerDefinition } from './container-definition.js';
import type { ContainerLog } from './container-log.js';

/**
 * What starting the stack needs from a container engine. The testcontainers implementation is
 * the real one; the seam lets the start sequence (order, buckets, failure messages, teardown) be
 * unit-tested where no engine runs.
 */
export interface StackRuntime {
  /** Host the started containers' ports are mapped on (known before any container starts). */
  host(): Promise<string>;
  startNetwork(): Promise<RunningNetwork>;
  /** Builds the image if the definition says so, starts the container and waits until it is ready. */
  start(definition: ContainerDefinition, network: RunningNetwork, log: ContainerLog): Promise<RunningContainer>;
}

export interface RunningNetwork {
  readonly name: string;
  stop(): Promise<void>;
}

export interface RunningContainer {
  readonly id: string;
  mappedPort(containerPort: number): number;
  stop(): Promise<void>;
}

/** Where a container's start went wrong: building its image, or starting and waiting for it. */
export class ContainerStartError extends Error {
  readonly phase: 'build' | 'start';
  constructor(phase: 'build' | 'start', message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ContainerStartError';
    this.phase = phase;
  }
}
