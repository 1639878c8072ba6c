import type { ContractCheck } from './contract-check-support.js';
import type { Contract } from './contract-schema.js';
import {
  gatewayHealth,
  gatewayLatency,
  gatewayPredict,
  gatewayPredictionsMatchModel,
  gatewayServesPointerVersionCheck,
  type ReferenceModel,
} from './gateway-contract-checks.js';
import { kfpParametersMatch, kfpRunSucceeded, kfpTasksSucceeded } from './kfp-contract-checks.js';
import {
  mlflowAlias,
  mlflowMetricsMatchPointer,
  mlflowMetricsThresholds,
  mlflowParamsPresent,
  mlflowRegisteredVersion,
  mlflowRunFinished,
} from './mlflow-contract-checks.js';

// The clauses' checks live one service per file; this module composes them.
export * from './contract-check-support.js';
export * from './gateway-contract-checks.js';
export * from './kfp-contract-checks.js';
export * from './mlflow-contract-checks.js';

export interface ServiceCheckOptions {
  /** Computes reference predictions (default: the pointer's model in the project's Python). */
  referenceModel?: ReferenceModel;
  /** How long the gateway may take to serve a new pointer (default GATEWAY_PICKUP_MS). */
  gatewayPickupMs?: number;
}

export const KFP_CHECKS: readonly ContractCheck[] = [kfpRunSucceeded, kfpTasksSucceeded, kfpParametersMatch];

/**
 * The checks for the clauses the contract has, in the order facts flow: KFP first; MLflow after
 * the object checks (which read the pointer); the gateway last. `section` picks one group, so a
 * spec can place the object checks between KFP and MLflow.
 */
export function serviceChecks(
  contract: Contract,
  options: ServiceCheckOptions & { section?: 'kfp' | 'mlflow' | 'gateway' } = {},
): ContractCheck[] {
  const want = (s: 'kfp' | 'mlflow' | 'gateway') => options.section === undefined || options.section === s;
  const checks: ContractCheck[] = [];
  if (contract.kfp && want('kfp')) checks.push(...KFP_CHECKS);
  if (contract.mlflow && want('mlflow')) {
    checks.push(mlflowRunFinished, mlflowParamsPresent, mlflowMetricsThresholds);
    if (contract.pointer) checks.push(mlflowMetricsMatchPointer, mlflowRegisteredVersion);
    if (contract.pointer && contract.mlflow.alias) checks.push(mlflowAlias);
  }
  if (contract.gateway && want('gateway')) {
    checks.push(gatewayHealth);
    if (contract.pointer) checks.push(gatewayServesPointerVersionCheck(options.gatewayPickupMs));
    if (contract.gateway.predict) {
      checks.push(gatewayPredict);
      if (contract.pointer) checks.push(gatewayPredictionsMatchModel(options.referenceModel));
    }
    if (contract.gateway.latency && contract.gateway.predict) checks.push(gatewayLatency);
  }
  return checks;
}
