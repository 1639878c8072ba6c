import type { FlatValues } from '../config/presets.js';

/** The services the local stack runs; KFP API and gateway join once they exist. */
export type ServiceName = 'postgres' | 'minio' | 'mlflow' | 'kfp' | 'gateway';

/** Everything a provider needs to know to start a stack with the local topology. */
export interface StackSpec {
  minio: { accessKey: string; secretKey: string; region: string };
  postgres: { user: string; password: string; database: string };
  /** Bucket names to create once MinIO is ready (the six configured buckets). */
  buckets: string[];
  /** Bucket MLflow stores artifacts in. */
  mlflowArtifactsBucket: string;
  /** Where logs and data of this stack live; removed at teardown. */
  workDir: string;
  /** Progress lines for a person watching ("minio: ready in 1.2 s"). */
  log: (line: string) => void;
  /** Processes (or containers) are reported as soon as they start, so a reaper can stop them if we die. */
  track?: (pid: number) => void;
  /** Keep the stack running after this process exits (`kfp-e2e stack up`, STACK_REUSE=1). */
  persistent?: boolean;
}

export interface StartedService {
  name: ServiceName;
  /** Base URL (or host:port for PostgreSQL), never with credentials. */
  endpoint: string;
  pid?: number;
  logFile?: string;
  startMs: number;
}

/** A running stack: endpoints for the `local` config preset and one way to stop it. */
export interface StartedStack {
  provider: 'testcontainers' | 'native' | 'external';
  /** Config values (dotted keys) that the stack owns: endpoints, credentials. */
  values: FlatValues;
  services: StartedService[];
  /** Idempotent; stops everything started and removes temporary data. */
  stop(): Promise<void>;
}

export interface Availability {
  available: boolean;
  /** What was found or what is missing, and how to get it. */
  detail: string;
}

export interface StackProviderDefinition {
  name: 'testcontainers' | 'native' | 'external';
  available(): Promise<Availability>;
  start(spec: StackSpec): Promise<StartedStack>;
}
