import type { ServiceClients } from '../../clients/service-clients.js';
import { resolveConfig } from '../../config/resolve.js';
import type { Config } from '../../config/schema.js';

/**
 * For the checks' unit tests: a resolved configuration (secrets registered for masking, as in a
 * real run) and stand-in clients that record what was asked of them.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return resolveConfig({ env: { E2E_PRESET: 'local', E2E_REQUEST_TIMEOUT_MS: '2000', ...env } }).config;
}

/** Stand-in clients: only what a test sets exists; anything else throws when touched. */
export function stubClients(parts: Partial<Record<keyof ServiceClients, unknown>>): ServiceClients {
  return new Proxy({ close: async () => {}, ...parts } as Record<string, unknown>, {
    get(target, name: string) {
      if (name in target) return target[name];
      if (name === 'then') return undefined;
      throw new Error(`stub client ${name} was not expected to be used`);
    },
  }) as unknown as ServiceClients;
}
