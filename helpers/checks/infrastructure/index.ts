import type { Check } from '../check.js';
import type { InfrastructureContext } from './context.js';
import { gatewayChecks } from './gateway.js';
import { kfpChecks } from './kfp.js';
import { minioChecks } from './minio.js';
import { mlflowChecks } from './mlflow.js';
import { postgresChecks } from './postgres.js';
import { s3Checks } from './s3.js';

export { type InfrastructureContext, infrastructureContexts, type ServiceName } from './context.js';
export { gatewayChecks, kfpChecks, minioChecks, mlflowChecks, postgresChecks, s3Checks };

/** Every infrastructure check, storage first, then what depends on it: MLflow, the KFP API, the gateway. */
export const infrastructureChecks: readonly Check<InfrastructureContext>[] = [
  ...postgresChecks,
  ...minioChecks,
  ...s3Checks,
  ...mlflowChecks,
  ...kfpChecks,
  ...gatewayChecks,
];
