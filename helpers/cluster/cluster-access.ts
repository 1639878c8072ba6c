/**
 * What the suite learned about the cluster before any stage ran (cluster target only): whether a
 * kube context answers, and which endpoints it discovered and port-forwarded. Handed from the
 * global setup to the specs; the cluster preflight checks judge it.
 */
export interface ClusterAccess {
  kube:
    | { status: 'reachable'; context: string; serverVersion?: string }
    /** kubectl missing, no context, or the API server did not answer: `reason` says which. */
    | { status: 'unreachable'; reason: string }
    /** Discovery was not needed (every endpoint given) or is off (`E2E_DISCOVERY=off`). */
    | { status: 'not-used'; reason: string };
  /** Namespace of the platform services, and whether kubectl saw it. */
  namespace?: {
    name: string;
    exists: boolean;
    /**
     * Set when kubectl could not tell (e.g. Forbidden: many users may not read namespaces); `exists`
     * then says only whether a service was found in it.
     */
    error?: string;
  };
  /** Endpoints found in the cluster and reached through a port-forward the suite opened. */
  forwarded: ForwardedEndpoint[];
  /** Endpoint keys the user did not give and discovery could not provide, with the reason. */
  undiscovered: Array<{ key: string; service: string; reason: string }>;
}

export interface ForwardedEndpoint {
  /** Config key the forward fills, e.g. `kfp.host` (`postgres.host` also fills `postgres.port`). */
  key: string;
  service: string;
  namespace: string;
  /** The service port forwarded to. */
  remotePort: number;
  /** The pod port behind it, as kubectl reported it (the service's target port). */
  podPort?: number;
  localPort: number;
  /** The value given to the config key: `http://127.0.0.1:<localPort>` or, for PostgreSQL, the host. */
  value: string;
  /**
   * Set (in place, on the object openClusterAccess returned) when kubectl exited on its own, e.g.
   * "port-forward to service/mlflow (namespace kubeflow) is down: kubectl exited with code 1: …".
   */
  down?: string;
}
