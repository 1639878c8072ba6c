import type { Check } from '../check.js';
import type { ContractContext } from './context.js';
import type { Contract } from './contract-schema.js';
import { objectChecks } from './object-checks.js';
import { serviceChecks } from './service-checks.js';

/**
 * Every check a contract asks for, in the order facts flow: the KFP run first, then the objects
 * (the pointer among them), then MLflow and the gateway, which compare against the pointer.
 */
export function contractChecks(contract: Contract): Check<ContractContext>[] {
  return [
    ...serviceChecks(contract, { section: 'kfp' }),
    ...objectChecks(contract),
    ...serviceChecks(contract, { section: 'mlflow' }),
    ...serviceChecks(contract, { section: 'gateway' }),
  ];
}
