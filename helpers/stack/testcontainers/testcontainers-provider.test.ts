import { describe, expect, it } from 'vitest';
import type { ContainerRuntimeStatus, RuntimeEndpoint } from '../container-runtime.js';
import type { StackSpec, StartedStack } from '../provider.js';
import { StackStartError } from '../stack-start-error.js';
import { DEFAULT_IMAGES, resolveImages, type StackImages } from './images.js';
import type { StartStackOptions } from './start-stack.js';
import { testSpec } from './test-spec.js';
import {
  createTestcontainersProvider,
  pointTestcontainersAt,
  testcontainersProvider,
} from './testcontainers-provider.js';

const podman: RuntimeEndpoint = {
  dockerHost: 'unix:///run/user/1000/podman/podman.sock',
  kind: 'podman',
  source: 'default',
  socketPath: '/run/user/1000/podman/podman.sock',
};
const docker: RuntimeEndpoint = {
  dockerHost: 'unix:///var/run/docker.sock',
  kind: 'docker',
  source: 'default',
  socketPath: '/var/run/docker.sock',
};

const answered = (endpoint: RuntimeEndpoint): ContainerRuntimeStatus => ({
  available: true,
  detail: 'answered OK',
  endpoint,
  probes: [],
});
const missing: ContainerRuntimeStatus = {
  available: false,
  detail: 'no container runtime answered GET /_ping (tried …)',
  probes: [],
};

function provider(status: ContainerRuntimeStatus, images: () => StackImages = () => DEFAULT_IMAGES) {
  const calls: { spec: StackSpec; options: StartStackOptions }[] = [];
  const started = { provider: 'testcontainers', values: {}, services: [], stop: async () => {} } satisfies StartedStack;
  const definition = createTestcontainersProvider({
    detect: async () => status,
    images,
    start: async (spec, options) => {
      calls.push({ spec, options });
      return started;
    },
  });
  return { definition, calls, started };
}

async function rejection(promise: Promise<unknown>): Promise<StackStartError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StackStartError);
  return error as StackStartError;
}

describe('testcontainersProvider', () => {
  it('is named testcontainers and exposes the runtime detection as its availability', async () => {
    expect(testcontainersProvider.name).toBe('testcontainers');
    const { definition } = provider(missing);
    await expect(definition.available()).resolves.toBe(missing);
  });

  it('starts the stack with the resolved images when a runtime answers', async () => {
    const { definition, calls, started } = provider(answered(docker), () =>
      resolveImages({ E2E_POSTGRES_IMAGE: 'pg:15.18' }),
    );
    const spec = testSpec();
    await expect(definition.start(spec)).resolves.toBe(started);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.spec).toBe(spec);
    expect(calls[0]?.options.images.postgres).toBe('pg:15.18');
  });

  it('refuses to start without a runtime, saying what was tried', async () => {
    const { definition, calls } = provider(missing);
    const error = await rejection(definition.start(testSpec()));
    expect(error.service).toBe('container runtime');
    expect(error.message).toContain('no container runtime answered');
    expect(calls).toHaveLength(0);
  });

  it('names the variable of an unpinned image override', async () => {
    const { definition } = provider(answered(docker), () =>
      resolveImages({ E2E_MLFLOW_IMAGE: 'ghcr.io/mlflow/mlflow' }),
    );
    const error = await rejection(definition.start(testSpec()));
    expect(error.message).toContain('E2E_MLFLOW_IMAGE=ghcr.io/mlflow/mlflow is not pinned');
  });

  it('does not offer a persistent stack', async () => {
    const { definition } = provider(answered(docker));
    const error = await rejection(definition.start(testSpec({ persistent: true })));
    expect(error.hint).toContain('STACK=native');
  });
});

describe('pointTestcontainersAt', () => {
  it('sets DOCKER_HOST for a Podman socket testcontainers would not find itself', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(pointTestcontainersAt(podman, env)).toBe(true);
    expect(env.DOCKER_HOST).toBe('unix:///run/user/1000/podman/podman.sock');
  });

  it('leaves Docker sockets and an explicit DOCKER_HOST alone', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(pointTestcontainersAt(docker, env)).toBe(false);
    expect(env.DOCKER_HOST).toBeUndefined();
    const chosen: NodeJS.ProcessEnv = { DOCKER_HOST: 'tcp://remote:2375' };
    expect(pointTestcontainersAt(podman, chosen)).toBe(false);
    expect(chosen.DOCKER_HOST).toBe('tcp://remote:2375');
  });
});
