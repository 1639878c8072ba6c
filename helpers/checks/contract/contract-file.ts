import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../stack/project-paths.js';
import { type Check, fail, pass } from '../check.js';
import type { Contract } from './contract-schema.js';
import { ContractError, loadContract } from './load-contract.js';

/** The contract file, loaded once: the checks of the stage are derived from it. */
export type LoadedContract =
  | { ok: true; file: string; contract: Contract }
  | { ok: false; file: string; error: ContractError };

export function loadContractFile(path: string): LoadedContract {
  const file = resolve(PROJECT_ROOT, path);
  try {
    return { ok: true, file, contract: loadContract(file) };
  } catch (error) {
    if (error instanceof ContractError) return { ok: false, file, error };
    throw error;
  }
}

export const contractFileValid: Check<{ loaded: LoadedContract }> = {
  id: 'contract.file.valid',
  stage: 'contract',
  title: 'the contract file is valid',
  run: ({ loaded }) => {
    if (!loaded.ok) {
      return fail(
        loaded.error.message,
        'fix every problem listed; the schema is in helpers/checks/contract/contract-schema.ts',
        {
          file: loaded.file,
          problems: loaded.error.problems,
        },
      );
    }
    const c = loaded.contract;
    return pass({
      file: loaded.file,
      objects: c.objects.map((o) => o.name),
      kfp: c.kfp !== undefined,
      mlflow: c.mlflow !== undefined,
      gateway: c.gateway !== undefined,
    });
  },
};
