import { expect } from 'vitest';
import { runCheck } from '../../../helpers/checks/check.js';
import type { ContractContext } from '../../../helpers/checks/contract/context.js';
import { contractChecks } from '../../../helpers/checks/contract/contract-checks.js';
import type { Contract } from '../../../helpers/checks/contract/contract-schema.js';
import type { CheckResult } from '../../../helpers/report/schema.js';

/** A contract context without facts: every evaluation starts from fresh facts, as a new stage run does. */
export type ContextBase = Omit<ContractContext, 'facts'>;

/** Every check of the contract, in the stage's order, over one fresh facts object. */
export async function evaluate(base: ContextBase, contract: Contract = base.contract): Promise<CheckResult[]> {
  const ctx: ContractContext = { ...base, contract, facts: { documents: {} } };
  const results: CheckResult[] = [];
  for (const check of contractChecks(contract)) results.push(await runCheck(check, ctx));
  return results;
}

/** One line per check that did not pass: what a failed assertion should show. */
export function summarise(results: readonly CheckResult[]): string {
  const lines = results
    .filter((r) => r.status !== 'passed')
    .map((r) => `${r.id}: ${r.status} — ${r.error ?? r.reason ?? ''}`);
  return lines.length === 0 ? 'every check passed' : lines.join('\n');
}

export const byId = (results: readonly CheckResult[]): Record<string, CheckResult> =>
  Object.fromEntries(results.map((r) => [r.id, r]));

export const idsWith = (results: readonly CheckResult[], status: CheckResult['status']): string[] =>
  results.filter((r) => r.status === status).map((r) => r.id);

/**
 * Exactly `failed` fail; every other check passed or skipped with a reason that names a check
 * which did not pass — and following those names always ends at one of the failed checks, so a
 * skip is never a hidden failure of its own.
 */
export function expectExactFailures(results: readonly CheckResult[], failed: readonly string[]): void {
  const summary = summarise(results);
  expect(idsWith(results, 'failed').sort(), summary).toEqual([...failed].sort());
  const results_ = byId(results);
  const notPassed = results.filter((r) => r.status !== 'passed').map((r) => r.id);
  for (const skipped of results.filter((r) => r.status === 'skipped')) {
    let current = skipped;
    const seen = new Set<string>();
    while (current.status === 'skipped' && !seen.has(current.id)) {
      seen.add(current.id);
      const reason = current.reason ?? '';
      const named = notPassed.find((id) => id !== current.id && reason.includes(id));
      expect(named, `${skipped.id} skipped without naming a check that did not pass: ${reason}`).toBeDefined();
      current = results_[named as string] as CheckResult;
    }
    expect(current.status, `${skipped.id}: its skip chain does not end at a failed check\n${summary}`).toBe('failed');
  }
}
