import type { StackProvider } from '../config/schema.js';
import { detectContainerRuntime } from './container-runtime.js';
import { nativeProvider } from './native/native-provider.js';
import type { StackProviderDefinition } from './provider.js';

/** Loaded on demand: the native path never pays for testcontainers' import. */
async function testcontainers(): Promise<StackProviderDefinition> {
  return (await import('./testcontainers/testcontainers-provider.js')).testcontainersProvider;
}

export class NoStackProviderError extends Error {}

/**
 * `auto`: testcontainers when a container runtime answers, else native when installed, else an
 * error that says how to get either. An explicit choice that is not available is an error too.
 */
export async function selectProvider(choice: StackProvider): Promise<StackProviderDefinition> {
  if (choice === 'external') throw new NoStackProviderError('the external provider starts nothing');
  if (choice === 'native' || choice === 'testcontainers') {
    const provider = choice === 'native' ? nativeProvider : await testcontainers();
    const availability = await provider.available();
    if (!availability.available)
      throw new NoStackProviderError(`STACK=${choice} is not available: ${availability.detail}`);
    return provider;
  }
  const runtime = await detectContainerRuntime({ timeoutMs: 1000 });
  if (runtime.available) return testcontainers();
  const native = await nativeProvider.available();
  if (native.available) return nativeProvider;
  throw new NoStackProviderError(
    `no way to start the local stack: no container runtime (${runtime.detail}) and no native servers (${native.detail}). ` +
      'Either start Docker/Podman, or run `npm run setup` to install PostgreSQL, MinIO and MLflow natively.',
  );
}
