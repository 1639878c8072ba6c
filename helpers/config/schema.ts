import { z } from 'zod';

/**
 * The runtime configuration, declared once. Every leaf carries its environment variable, a
 * description and whether it is a secret; the key table, the env reader, `kfp-e2e config` and the
 * README's config reference are all derived from this one schema.
 */
export interface SettingMeta {
  env: string;
  description: string;
  secret?: boolean;
  /**
   * An identifier paired with a secret (an access key): masked as a field, but its value is not
   * searched for in free text — it is often a plain word such as `minio` that would blank out
   * host names like `minio-service`.
   */
  identifier?: boolean;
  /** Secrets that must be given explicitly under the `prod` preset. */
  requiredInProd?: boolean;
}

const setting = <T extends z.ZodType>(schema: T, meta: SettingMeta): T => schema.meta({ ...meta });

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://host:port' });
const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(1, 'expected a port between 1 and 65535')
  .max(65535, 'expected a port between 1 and 65535');
// The union's own error: without it a bad value reports zod's bare "Invalid input".
const flag = z.union([z.boolean(), z.stringbool({ error: 'expected true or false' })], {
  error: 'expected true or false',
});
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 chars: a-z, 0-9, dot, hyphen)');
const nonEmpty = z.string().min(1, 'expected a non-empty value');
const milliseconds = z.coerce.number({ error: 'expected milliseconds' }).int().positive('expected a positive duration');

export const TARGETS = ['local', 'cluster'] as const;
export const STACK_PROVIDERS = ['auto', 'testcontainers', 'native', 'external'] as const;
export const SEVERITIES = ['error', 'warn', 'off'] as const;
export const DISCOVERY_MODES = ['auto', 'off'] as const;

/** A Kubernetes service, `name` or `namespace/name` (DNS-1035 labels). */
const serviceRef = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z]([-a-z0-9]*[a-z0-9])?$/, 'expected a service name or namespace/name');

export const ConfigSchema = z.object({
  target: setting(z.enum(TARGETS), {
    env: 'E2E_TARGET',
    description: 'Where the suite runs: local stack or a live cluster',
  }),
  stack: setting(z.enum(STACK_PROVIDERS), {
    env: 'STACK',
    description: 'How the local stack is provided: auto, testcontainers, native or external (start nothing)',
  }),
  kfp: z.object({
    host: setting(httpUrl.optional(), { env: 'KFP_HOST', description: 'KFP API base URL (ml-pipeline service)' }),
    uiHost: setting(httpUrl.optional(), { env: 'KFP_UI_HOST', description: 'KFP UI base URL, used for run links' }),
    pathPrefix: setting(z.string().regex(/^(\/[\w.-]+)*$/, 'expected empty or a path such as /pipeline'), {
      env: 'KFP_PATH_PREFIX',
      description: 'Prefix before /apis/v2beta1 (e.g. /pipeline behind the Kubeflow ingress)',
    }),
    namespace: setting(nonEmpty, { env: 'KFP_NAMESPACE', description: 'Kubernetes namespace / KFP profile' }),
    token: setting(nonEmpty.optional(), {
      env: 'KFP_TOKEN',
      description: 'Bearer token for the KFP API',
      secret: true,
    }),
    tokenFile: setting(nonEmpty.optional(), {
      env: 'KFP_TOKEN_FILE',
      description: 'File holding the KFP bearer token',
    }),
    tokenCommand: setting(nonEmpty.optional(), {
      env: 'KFP_TOKEN_COMMAND',
      description: 'Command printing the KFP bearer token (e.g. kubectl create token …), run once per process',
    }),
    userIdHeader: setting(nonEmpty.optional(), {
      env: 'KFP_USER_ID_HEADER',
      description: 'Header carrying the user identity (e.g. kubeflow-userid) in multi-user installs',
    }),
    userId: setting(nonEmpty.optional(), { env: 'KFP_USER_ID', description: 'Value of the user identity header' }),
  }),
  cluster: z.object({
    namespace: setting(nonEmpty.optional(), {
      env: 'E2E_CLUSTER_NAMESPACE',
      description: 'Namespace of the platform services (defaults to KFP_NAMESPACE)',
    }),
    kubeContext: setting(nonEmpty.optional(), {
      env: 'KUBE_CONTEXT',
      description: 'kubectl context to discover services in (defaults to the current context)',
    }),
    kubectl: setting(nonEmpty, {
      env: 'KUBECTL',
      description: 'kubectl executable used for discovery and diagnostics',
    }),
    discovery: setting(z.enum(DISCOVERY_MODES), {
      env: 'E2E_DISCOVERY',
      description: 'auto: endpoints not given are discovered through kubectl and port-forwarded; off: never',
    }),
    services: z.object({
      kfp: setting(serviceRef, { env: 'SVC_KFP', description: 'KFP API service ([namespace/]name)' }),
      kfpUi: setting(serviceRef, { env: 'SVC_KFP_UI', description: 'KFP UI service ([namespace/]name)' }),
      minio: setting(serviceRef, { env: 'SVC_MINIO', description: 'MinIO service ([namespace/]name)' }),
      mlflow: setting(serviceRef, { env: 'SVC_MLFLOW', description: 'MLflow tracking service ([namespace/]name)' }),
      gateway: setting(serviceRef, { env: 'SVC_GATEWAY', description: 'Model gateway service ([namespace/]name)' }),
      postgres: setting(serviceRef, { env: 'SVC_POSTGRES', description: 'PostgreSQL service ([namespace/]name)' }),
    }),
  }),
  minio: z.object({
    endpoint: setting(httpUrl, { env: 'MINIO_ENDPOINT', description: 'MinIO / S3 endpoint URL' }),
    accessKey: setting(nonEmpty, {
      env: 'MINIO_ACCESS_KEY',
      description: 'MinIO access key',
      secret: true,
      identifier: true,
      requiredInProd: true,
    }),
    secretKey: setting(nonEmpty, {
      env: 'MINIO_SECRET_KEY',
      description: 'MinIO secret key',
      secret: true,
      requiredInProd: true,
    }),
    region: setting(nonEmpty, { env: 'MINIO_REGION', description: 'S3 region' }),
    useTls: setting(flag, { env: 'MINIO_USE_TLS', description: 'Whether pipeline components reach MinIO over TLS' }),
  }),
  buckets: z.object({
    rawData: setting(bucketName, { env: 'BUCKET_RAW_DATA', description: 'Bucket for raw input data' }),
    processedData: setting(bucketName, { env: 'BUCKET_PROCESSED_DATA', description: 'Bucket for processed data' }),
    models: setting(bucketName, { env: 'BUCKET_MODELS', description: 'Bucket for model promotion pointers' }),
    predictions: setting(bucketName, { env: 'BUCKET_PREDICTIONS', description: 'Bucket for batch predictions' }),
    mlflowArtifacts: setting(bucketName, {
      env: 'BUCKET_MLFLOW_ARTIFACTS',
      description: 'MLflow artifact store bucket',
    }),
    pipelineRoot: setting(bucketName, { env: 'BUCKET_PIPELINE_ROOT', description: 'KFP pipeline root bucket' }),
  }),
  mlflow: z.object({
    trackingUri: setting(httpUrl, { env: 'MLFLOW_TRACKING_URI', description: 'MLflow tracking server URL' }),
    token: setting(nonEmpty.optional(), {
      env: 'MLFLOW_TRACKING_TOKEN',
      description: 'Bearer token for the MLflow server',
      secret: true,
    }),
  }),
  gateway: z.object({
    url: setting(httpUrl.optional(), { env: 'GATEWAY_URL', description: 'Model gateway (FastAPI) base URL' }),
  }),
  postgres: z.object({
    host: setting(nonEmpty, { env: 'POSTGRES_HOST', description: 'PostgreSQL host' }),
    port: setting(port, { env: 'POSTGRES_PORT', description: 'PostgreSQL port' }),
    database: setting(nonEmpty, { env: 'POSTGRES_DB', description: 'Database holding the MLflow schema' }),
    user: setting(nonEmpty, { env: 'POSTGRES_USER', description: 'PostgreSQL user', requiredInProd: true }),
    password: setting(nonEmpty, {
      env: 'POSTGRES_PASSWORD',
      description: 'PostgreSQL password',
      secret: true,
      requiredInProd: true,
    }),
  }),
  pipeline: z.object({
    package: setting(nonEmpty, { env: 'PIPELINE_PACKAGE', description: 'Compiled pipeline package (KFP v2 IR YAML)' }),
    contract: setting(nonEmpty, {
      env: 'E2E_CONTRACT',
      description: 'Contract file (YAML/JSON): what a successful run leaves behind',
    }),
    imagePinning: setting(z.enum(SEVERITIES), {
      env: 'IMAGE_PINNING',
      description: 'Severity of an unpinned executor image (error, warn, off)',
    }),
  }),
  run: z.object({
    experiment: setting(nonEmpty, {
      env: 'E2E_EXPERIMENT',
      description: 'KFP experiment the suite submits its runs to (created when absent)',
    }),
    dataset: setting(nonEmpty, {
      env: 'E2E_DATASET',
      description: 'Value of the `dataset` run parameter, passed when the pipeline declares it',
    }),
    identifier: setting(
      z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and hyphens'),
      {
        env: 'E2E_IDENTIFIER',
        description: 'Value of the `identifier` run parameter, passed when the pipeline declares it',
      },
    ),
  }),
  timeouts: z.object({
    requestMs: setting(milliseconds, { env: 'E2E_REQUEST_TIMEOUT_MS', description: 'Timeout of one network call' }),
    runMs: setting(milliseconds, { env: 'E2E_RUN_TIMEOUT_MS', description: 'How long to wait for a pipeline run' }),
  }),
});

export type Config = z.infer<typeof ConfigSchema>;
export type Target = (typeof TARGETS)[number];
export type StackProvider = (typeof STACK_PROVIDERS)[number];
