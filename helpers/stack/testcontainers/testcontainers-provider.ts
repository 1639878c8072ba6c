import { type ContainerRuntimeStatus, detectContainerRuntime, type RuntimeEndpoint } from '../container-runtime.js';
import type { StackProviderDefinition, StackSpec, StartedStack } from '../provider.js';
import { StackStartError } from '../stack-start-error.js';
import { IMAGE_ENV, resolveImages, type StackImages } from './images.js';
import { startHint, startStack } from './start-stack.js';
import { testcontainersRuntime } from './testcontainers-runtime.js';

const DETECT_TIMEOUT_MS = 1000;

/**
 * testcontainers finds Docker's usual sockets itself but not Podman's: point it (DOCKER_HOST,
 * read lazily by testcontainers) at the engine that answered, unless the user chose one already.
 */
export function pointTestcontainersAt(endpoint: RuntimeEndpoint, env: NodeJS.ProcessEnv = process.env): boolean {
  if (endpoint.source !== 'default' || endpoint.kind !== 'podman' || env.DOCKER_HOST) return false;
  env.DOCKER_HOST = endpoint.dockerHost;
  return true;
}

export interface ProviderDeps {
  detect: () => Promise<ContainerRuntimeStatus>;
  images: () => StackImages;
  start: typeof startStack;
}

/** The provider, with its environment-facing parts injectable for tests. */
export function createTestcontainersProvider(deps: ProviderDeps): StackProviderDefinition {
  return {
    name: 'testcontainers',
    available: deps.detect,
    async start(spec: StackSpec): Promise<StartedStack> {
      if (spec.persistent) {
        throw new StackStartError(
          'testcontainers',
          'a persistent (reused) stack is not supported with containers',
          'use STACK=native for `kfp-e2e stack up`, or testcontainers reuse (TESTCONTAINERS_REUSE_ENABLE=true)',
        );
      }
      const runtime = await deps.detect();
      if (!runtime.available || !runtime.endpoint) {
        throw new StackStartError('container runtime', runtime.detail, startHint('container runtime'));
      }
      if (pointTestcontainersAt(runtime.endpoint)) {
        spec.log(
          `podman at ${runtime.endpoint.dockerHost}: DOCKER_HOST set for testcontainers (rootful Podman may need TESTCONTAINERS_RYUK_PRIVILEGED=true)`,
        );
      }
      let images: StackImages;
      try {
        images = deps.images();
      } catch (error) {
        throw new StackStartError(
          'testcontainers',
          (error as Error).message,
          `fix or unset ${Object.values(IMAGE_ENV).join(' / ')}`,
        );
      }
      return deps.start(spec, { runtime: testcontainersRuntime, images });
    },
  };
}

/** PostgreSQL, MinIO and MLflow as containers on one network, wired as in a cluster. */
export const testcontainersProvider: StackProviderDefinition = createTestcontainersProvider({
  detect: () => detectContainerRuntime({ timeoutMs: DETECT_TIMEOUT_MS }),
  images: () => resolveImages(),
  start: startStack,
});
