import type { ClusterAccess } from '../cluster/cluster-access.js';
import type { FlatValues } from '../config/presets.js';
import type { ServiceName } from '../stack/provider.js';

/** What the global setup hands to every spec (Vitest provide/inject). */
export interface StackFacts {
  provider: 'testcontainers' | 'native' | 'external' | 'none';
  /** Config values owned by the running local stack (empty for the external provider). */
  values: FlatValues;
  /** Services the target runs; a configured service outside this list is skipped with a reason. */
  services: ServiceName[];
  /** Set when the stack could not start: service, log tail, what to try. */
  startError?: string;
  /** Cluster target: the kube context, and the endpoints discovered and port-forwarded. */
  cluster?: ClusterAccess;
  /** Config values of the port-forwarded endpoints (the `discovered` layer of the configuration). */
  discovered?: FlatValues;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackFacts;
    /** File where failed stages are recorded, so later stages can skip with a reason. */
    stageGateFile: string;
  }
}
