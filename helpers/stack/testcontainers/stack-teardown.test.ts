import { describe, expect, it } from 'vitest';
import type { ContainerService } from './container-definition.js';
import type { RunningContainer } from './stack-runtime.js';
import { StackTeardown } from './stack-teardown.js';

function setup(failing: string[] = []) {
  const stopped: string[] = [];
  const lines: string[] = [];
  const teardown = new StackTeardown((line) => lines.push(line));
  const container = (name: ContainerService): RunningContainer => ({
    id: name,
    mappedPort: () => 0,
    stop: async () => {
      stopped.push(name);
      if (failing.includes(name)) throw new Error(`${name} is stuck`);
    },
  });
  const network = {
    name: 'net',
    stop: async () => {
      stopped.push('network');
      if (failing.includes('network')) throw new Error('network has active endpoints');
    },
  };
  return { teardown, stopped, lines, container, network };
}

describe('StackTeardown', () => {
  it('stops MLflow, then the stores, then the network', async () => {
    const { teardown, stopped, container, network } = setup();
    teardown.trackNetwork(network);
    teardown.track('postgres', container('postgres'));
    teardown.track('mlflow', container('mlflow'));
    teardown.track('minio', container('minio'));
    await teardown.stop();
    expect(stopped[0]).toBe('mlflow');
    expect(stopped.slice(1, 3).sort()).toEqual(['minio', 'postgres']);
    expect(stopped[3]).toBe('network');
  });

  it('stop() should be callable twice, concurrently or not, and stops each thing once', async () => {
    const { teardown, stopped, container, network } = setup();
    teardown.trackNetwork(network);
    teardown.track('minio', container('minio'));
    await Promise.all([teardown.stop(), teardown.stop()]);
    await teardown.stop();
    expect(stopped).toEqual(['minio', 'network']);
  });

  it('goes on past a failure and reports it instead of throwing', async () => {
    const { teardown, stopped, lines, container, network } = setup(['mlflow', 'network']);
    teardown.trackNetwork(network);
    teardown.track('mlflow', container('mlflow'));
    teardown.track('postgres', container('postgres'));
    await expect(teardown.stop()).resolves.toBeUndefined();
    expect(stopped).toEqual(['mlflow', 'postgres', 'network']);
    expect(lines).toEqual([
      "could not stop everything (mlflow: mlflow is stuck; network: network has active endpoints); testcontainers' Ryuk removes the rest when this process exits",
    ]);
  });

  it('has nothing to do when nothing started', async () => {
    const { teardown, lines } = setup();
    await teardown.stop();
    expect(lines).toEqual([]);
  });
});
