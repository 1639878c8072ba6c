import { endpointFromUrl } from '../../clients/endpoint.js';
import { type ServiceClients, serviceClients } from '../../clients/service-clients.js';
import { findKey } from '../../config/keys.js';
import type { Config } from '../../config/schema.js';
import type { ServiceName } from '../../stack/provider.js';

export type { ServiceName };

/** What every infrastructure check runs against. */
export interface InfrastructureContext {
  config: Config;
  /**
   * The services the target actually runs, when known (the local stack: no KFP API and no gateway
   * yet). A configured service outside this list is skipped with the reason, not failed.
   */
  services?: readonly ServiceName[];
  /** Clients shared by the checks of one spec file; without them a check opens its own and closes them. */
  clients?: ServiceClients;
}

/** Service names as titles use them. */
export const SERVICE_LABELS: Record<ServiceName, string> = {
  postgres: 'PostgreSQL',
  minio: 'MinIO',
  mlflow: 'MLflow',
  kfp: 'KFP API',
  gateway: 'Model gateway',
};

/** Service names inside a sentence: "does not run the KFP API". */
const SERVICE_NOUNS: Record<ServiceName, string> = {
  ...SERVICE_LABELS,
  kfp: 'the KFP API',
  gateway: 'the model gateway',
};

export function serviceNoun(service: ServiceName): string {
  return SERVICE_NOUNS[service];
}

/** Where a service listens, from the configuration; undefined when no endpoint is configured. */
export interface ServiceAddress {
  host: string;
  port: number;
  /** Printable form: URL (masked) or host:port. */
  display: string;
  /** The config key that sets it, for "set X" reasons and hints. */
  key: string;
}

export function serviceAddress(config: Config, service: ServiceName): ServiceAddress | undefined {
  const fromUrl = (url: string | undefined, key: string) =>
    url === undefined ? undefined : { ...endpointFromUrl(url), key };
  switch (service) {
    case 'postgres':
      return {
        host: config.postgres.host,
        port: config.postgres.port,
        display: `${config.postgres.host}:${config.postgres.port}`,
        key: 'postgres.host',
      };
    case 'minio':
      return fromUrl(config.minio.endpoint, 'minio.endpoint');
    case 'mlflow':
      return fromUrl(config.mlflow.trackingUri, 'mlflow.trackingUri');
    case 'kfp':
      return fromUrl(config.kfp.host, 'kfp.host');
    case 'gateway':
      return fromUrl(config.gateway.url, 'gateway.url');
  }
}

/** Why checks of these services cannot run on this target, or undefined when they can. */
export function notRunReason(ctx: InfrastructureContext, needs: readonly ServiceName[]): string | undefined {
  for (const service of needs) {
    if (ctx.services && !ctx.services.includes(service)) {
      // No services at all: the stack most likely failed to start, which infrastructure.stack.started reports.
      if (ctx.services.length === 0)
        return `the target runs no services (did the local stack start? see infrastructure.stack.started)`;
      return `the target does not run ${serviceNoun(service)} (it runs ${ctx.services.map(serviceNoun).join(', ')})`;
    }
  }
  for (const service of needs) {
    if (serviceAddress(ctx.config, service) === undefined) {
      const key = service === 'kfp' ? 'kfp.host' : 'gateway.url';
      return `no endpoint configured for ${serviceNoun(service)} — set ${findKey(key)?.env ?? key} (or --set ${key}=…)`;
    }
  }
  return undefined;
}

/**
 * Contexts for the checks of one spec file: one set of clients for the whole file, opened on
 * first use (so an invalid configuration fails a check instead of the file), closed by `close()`.
 */
export function infrastructureContexts(source: {
  config: () => Config;
  services?: () => readonly ServiceName[] | undefined;
}): { context: () => InfrastructureContext; close: () => Promise<void> } {
  let clients: ServiceClients | undefined;
  return {
    context: () => {
      const config = source.config();
      clients ??= serviceClients(config);
      const services = source.services?.();
      return { config, clients, ...(services ? { services } : {}) };
    },
    close: async () => {
      await clients?.close();
      clients = undefined;
    },
  };
}
