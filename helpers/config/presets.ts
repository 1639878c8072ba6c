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

/** In-cluster service DNS names of a standard install; every name follows the namespace. */
function clusterDefaults(namespace: string): FlatValues {
  const svc = (name: string) => `${name}.${namespace}.svc.cluster.local`;
  return {
    target: 'cluster',
    stack: 'external',
    'kfp.host': `http://${svc('ml-pipeline')}:8888`,
    'kfp.uiHost': `http://${svc('ml-pipeline-ui')}:80`,
    'kfp.namespace': namespace,
    'minio.endpoint': `http://${svc('minio-service')}:9000`,
    'mlflow.trackingUri': `http://${svc('mlflow')}:5000`,
    'gateway.url': `http://${svc('fastapi-app')}:8000`,
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

export function presetDefaults(preset: PresetName, namespace = DEFAULT_NAMESPACE): FlatValues {
  switch (preset) {
    case 'local':
      return { ...sharedDefaults, ...localDefaults };
    case 'cluster':
      return { ...sharedDefaults, ...clusterDefaults(namespace), ...clusterDevSecrets };
    case 'prod':
      return { ...sharedDefaults, ...clusterDefaults(namespace) };
  }
}
