import type { GatewayHealth } from '../../clients/gateway.js';
import type { KfpClient } from '../../clients/kfp/kfp-client.js';
import type { Run } from '../../clients/kfp/schemas.js';
import type { ServiceClients } from '../../clients/service-clients.js';
import type { Config } from '../../config/schema.js';
import type { Contract } from './contract-schema.js';

/** The run a contract is checked against: the submission stage's hand-off or `validate --run-id`. */
export interface ContractRun {
  runId: string;
  /** Runtime parameters as submitted (typed); compared with what the KFP run recorded. */
  parameters: Record<string, unknown>;
}

/**
 * Facts read once and shared by the checks that follow (a check that needs a fact another check
 * failed to read skips, naming that check). Each check fills what it observed.
 */
export interface ContractFacts {
  kfpRun?: Run;
  /** Parsed JSON documents by object name (the pointer among them). */
  documents: Record<string, Record<string, unknown>>;
  mlflowRun?: { runId: string; status: string; params: Record<string, string>; metrics: Record<string, number> };
  /** Model version the registry alias points to. */
  aliasVersion?: string;
  /** What the gateway says it serves. */
  gatewayVersion?: string;
  /** The gateway's health answer (absent when the gateway did not answer). */
  gatewayHealth?: GatewayHealth;
  /** The gateway's answer to the contract's sample request. */
  gatewayPredictions?: number[];
}

export interface ContractContext {
  config: Config;
  contract: Contract;
  run: ContractRun;
  clients: ServiceClients;
  kfp: KfpClient;
  facts: ContractFacts;
}
