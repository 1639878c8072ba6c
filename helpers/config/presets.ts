/**
 * Preset defaults, the lowest layer of configuration. `local` is what the local stack fills in when
 * it starts (these values only matter when a stack is already running on the usual ports);
 * `cluster` follows in-cluster DNS of a standard Kubeflow install in the given namespace; `prod`
 * is `cluster` without a default for any secret, so each must be given.
 */
export const PRESETS = ['local', 'cluster', 'prod'] as const;
export type PresetName = (typeof PRESETS)[number];

/** The reference pipeline's compiled package, the default for preflight and submission. */
export const REFERENCE_PIPELINE_PACKAGE = 'fixtures/poblesec/pipeline.yaml';

/** The reference system's contract, the default for the contract stage and `kfp-e2e validate`. */
export const REFERENCE_CONTRACT = 'fixtures/poblesec/contract.yaml';

export type FlatValues = Record<string, unknown>;

/** Service names of a standard install, overridable per service (`cluster.services.*`). */
export const DEFAULT_SERVICES = {
  kfp: 'ml-pipeline',
  kfpUi: 'ml-pipeline-ui',
  minio: 'minio-service',
  mlflow: 'mlflow',
  gateway: 'fastapi-app',
  postgres: 'postgres',
} as const;
export type ServiceKey = keyof typeof DEFAULT_SERVICES;

const sharedDefaults: FlatValues = {
  'kfp.pathPrefix': '',
  'minio.region': 'us-east-1',
  'minio.useTls': false,
  'buckets.rawData': 'raw-data',
  'buckets.processedData': 'processed-data',
  'buckets.models': 'models',
  'buckets.predictions': 'predictions',
  'buckets.mlflowArtifacts': 'mlflow-artifacts',
  'buckets.pipelineRoot': 'mlpipeline',
  'pipeline.package': REFERENCE_PIPELINE_PACKAGE,
  'pipeline.contract': REFERENCE_CONTRACT,
  'pipeline.imagePinning': 'error',
  'run.experiment': 'kfp-e2e',
  'run.dataset': 'PobleSec',
  'run.identifier': 'kfp-e2e',
  'timeouts.requestMs': 5000,
  'timeouts.runMs': 900_000,
  'cluster.kubectl': 'kubectl',
  'cluster.discovery': 'auto',
  ...Object.fromEntries(Object.entries(DEFAULT_SERVICES).map(([key, name]) => [`cluster.services.${key}`, name])),
};

const localDefaults: FlatValues = {
  target: 'local',
  stack: 'auto',
  'kfp.host': 'http://127.0.0.1:8888',
  'kfp.namespace': 'kubeflow',
  'minio.endpoint': 'http://127.0.0.1:9000',
  'minio.accessKey': 'minioadmin',
  'minio.secretKey': 'minio-local-secret',
  'mlflow.trackingUri': 'http://127.0.0.1:5000',
  'gateway.url': 'http://127.0.0.1:8000',
  'postgres.host': '127.0.0.1',
  'postgres.port': 5432,
  'postgres.database': 'mlflow',
  'postgres.user': 'mlflow',
  // Distinct from every other value: secrets are masked wherever their text appears.
  'postgres.password': 'pg-local-secret',
};

/** `name` or `namespace/name` (`cluster.services.*`): the service's namespace and name. */
export function parseServiceRef(ref: string, defaultNamespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  return slash === -1
    ? { namespace: defaultNamespace, name: ref }
    : { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}

/**
 * The endpoint keys that point at a platform service, and the service behind each: what the
 * cluster preset names in-cluster, discovery port-forwards, and cluster preflight requires. The
 * UI host only makes links, so a run does not need it.
 */
export const SERVICE_ENDPOINTS: ReadonlyArray<{ key: string; role: ServiceKey; required: boolean }> = [
  { key: 'kfp.host', role: 'kfp', required: true },
  { key: 'kfp.uiHost', role: 'kfpUi', required: false },
  { key: 'minio.endpoint', role: 'minio', required: true },
  { key: 'mlflow.trackingUri', role: 'mlflow', required: true },
  { key: 'gateway.url', role: 'gateway', required: true },
  // Host and port: discovery fills postgres.port too (the forward's local port).
  { key: 'postgres.host', role: 'postgres', required: true },
];

/** Values given above the preset layer that the cluster defaults follow. */
export interface ClusterNaming {
  /** Namespace of the platform services (`cluster.namespace`, else `kfp.namespace`). */
  servicesNamespace: string;
  services: Partial<Record<ServiceKey, string>>;
}

/** In-cluster service DNS names of a standard install; every name follows the namespace. */
function clusterDefaults(namespace: string, naming: ClusterNaming): FlatValues {
  const svc = (key: ServiceKey) => {
    const { namespace: ns, name } = parseServiceRef(
      naming.services[key] ?? DEFAULT_SERVICES[key],
      naming.servicesNamespace,
    );
    return `${name}.${ns}.svc.cluster.local`;
  };
  return {
    target: 'cluster',
    stack: 'external',
    'kfp.host': `http://${svc('kfp')}:8888`,
    'kfp.uiHost': `http://${svc('kfpUi')}:80`,
    'kfp.namespace': namespace,
    'minio.endpoint': `http://${svc('minio')}:9000`,
    'mlflow.trackingUri': `http://${svc('mlflow')}:5000`,
    'gateway.url': `http://${svc('gateway')}:8000`,
    'postgres.host': svc('postgres'),
    'postgres.port': 5432,
    'postgres.database': 'mlflow',
  };
}

/** KFP standalone's own MinIO credentials and a conventional PostgreSQL user: for dev clusters only. */
const clusterDevSecrets: FlatValues = {
  'minio.accessKey': 'minio',
  'minio.secretKey': 'minio123',
  'postgres.user': 'mlflow',
  'postgres.password': 'mlflow-dev-secret',
};

export const DEFAULT_NAMESPACE = 'kubeflow';

export function presetDefaults(
  preset: PresetName,
  namespace = DEFAULT_NAMESPACE,
  naming: ClusterNaming = { servicesNamespace: namespace, services: {} },
): FlatValues {
  switch (preset) {
    case 'local':
      return { ...sharedDefaults, ...localDefaults };
    case 'cluster':
      return { ...sharedDefaults, ...clusterDefaults(namespace, naming), ...clusterDevSecrets };
    case 'prod':
      return { ...sharedDefaults, ...clusterDefaults(namespace, naming) };
  }
}
