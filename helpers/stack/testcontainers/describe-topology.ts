import type { ContainerService, StackDefinition, WaitSpec } from './container-definition.js';

export interface TopologyService {
  name: ContainerService;
  /** The name other services reach it by. */
  alias: string;
  port: number;
  dependsOn: ContainerService[];
  /** What "ready" means: an HTTP path, or the health-check program. */
  readiness: string;
}

/**
 * The stack's wiring without endpoints or secrets, for comparing providers: which services exist,
 * who depends on whom, which service MLflow's stores resolve to, and the MLflow flags used.
 */
export interface TopologyDescription {
  services: Record<ContainerService, TopologyService>;
  mlflow: {
    flags: string[];
    /** Service the backend store URI points at, or `unknown host:port`. */
    backendStore: string;
    /** Service MLFLOW_S3_ENDPOINT_URL points at, or `unknown host:port`. */
    artifactStore: string;
    artifactsBucket: string;
  };
  buckets: string[];
}

function readiness(wait: WaitSpec): string {
  return wait.kind === 'http' ? wait.path : (wait.test[1].split(' ')[0] ?? wait.test[1]);
}

function argAfter(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}

/** Derived from the definitions themselves (not restated), so a wiring mistake shows up in it. */
export function describeTopology(definition: StackDefinition): TopologyDescription {
  const containers = [definition.postgres, definition.minio, definition.mlflow];
  const services = Object.fromEntries(
    containers.map((c) => [
      c.service,
      {
        name: c.service,
        alias: c.networkAliases[0] ?? c.service,
        port: c.port,
        dependsOn: [...c.dependsOn].sort(),
        readiness: readiness(c.wait),
      },
    ]),
  ) as Record<ContainerService, TopologyService>;

  const serviceAt = (url: string | undefined): string => {
    if (!url) return 'unknown (not set)';
    const parsed = new URL(url);
    const port = Number(parsed.port);
    const match = containers.find((c) => c.networkAliases.includes(parsed.hostname) && c.port === port);
    return match ? match.service : `unknown ${parsed.hostname}:${parsed.port}`;
  };

  const args = definition.mlflow.command ?? [];
  const destination = argAfter(args, '--default-artifact-root') ?? '';
  return {
    services,
    mlflow: {
      flags: args.filter((arg) => arg.startsWith('--')),
      backendStore: serviceAt(argAfter(args, '--backend-store-uri')),
      artifactStore: serviceAt(definition.mlflow.env.MLFLOW_S3_ENDPOINT_URL),
      artifactsBucket: destination.replace(/^s3:\/\//, '').replace(/\/$/, ''),
    },
    buckets: [...definition.buckets].sort(),
  };
}
