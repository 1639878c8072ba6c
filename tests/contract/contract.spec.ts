import { afterAll } from 'vitest';
import type { ContractContext, ContractRun } from '../../helpers/checks/contract/context.js';
import { contractChecks } from '../../helpers/checks/contract/contract-checks.js';
import { contractFileValid, loadContractFile } from '../../helpers/checks/contract/contract-file.js';
import { kfpClientFromConfig } from '../../helpers/clients/kfp/kfp-client.js';
import { serviceClients } from '../../helpers/clients/service-clients.js';
import { readSubmission } from '../../helpers/report/run-context.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

/**
 * The contract stage: what the submitted run left behind, clause by clause, from the contract
 * file (config pipeline.contract). The checks are derived from the contract, so the file is read
 * when the spec is collected; an unreadable or invalid one fails contract.file.valid.
 */
const loaded = (() => {
  try {
    return loadContractFile(suiteConfig().config.pipeline.contract);
  } catch {
    return undefined; // invalid configuration: preflight fails and this stage is skipped
  }
})();

let ctx: ContractContext | undefined;

function context(): ContractContext {
  if (ctx) return ctx;
  if (!loaded?.ok) throw new Error('the contract file is not valid (see contract.file.valid)');
  const handoff = readSubmission();
  if (!handoff) throw new Error('no run to check: the submission stage recorded none (see submission.run.created)');
  const { config } = suiteConfig();
  const run: ContractRun = { runId: handoff.runId, parameters: handoff.parameters };
  ctx = {
    config,
    contract: loaded.contract,
    run,
    clients: serviceClients(config),
    kfp: kfpClientFromConfig(config),
    facts: { documents: {} },
  };
  return ctx;
}

if (loaded) checkTest(contractFileValid, () => ({ loaded }));
if (loaded?.ok) for (const check of contractChecks(loaded.contract)) checkTest(check, context, 120_000);

afterAll(async () => {
  await Promise.allSettled([ctx?.clients.close(), ctx?.kfp.close()]);
});
