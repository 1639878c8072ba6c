import { maskText } from '../../config/mask.js';
import { type Check, type CheckOutcome, fail, HintedError, skip } from '../check.js';
import type { ContractContext } from './context.js';

/**
 * The contract stage's clauses over services: the KFP run and its tasks, the MLflow run, metrics
 * and registry, and the gateway — plus cross-checks between them and the promotion pointer (the
 * object checks, which run before the MLflow checks, put the parsed pointer in facts.documents).
 * Facts flow forward: a check that needs a fact another check could not establish skips, naming it.
 */

export type ContractCheck = Check<ContractContext>;
export type Evidence = Record<string, unknown>;

/** How long the gateway may take to pick up a new pointer (it polls every 2 s) before it is a failure. */
export const GATEWAY_PICKUP_MS = 15_000;
/** Relative tolerance between the pointer's metrics and MLflow's (both written from one float). */
export const METRIC_TOLERANCE = 1e-9;
/** Tolerance between the gateway's predictions and the reference model's, after the same rounding. */
export const PREDICTION_TOLERANCE = 1e-6;

/** A check whose unexpected exceptions (client errors: endpoint, what was seen, hint) keep their evidence. */
export function contractCheck(
  id: string,
  title: string,
  run: (ctx: ContractContext, evidence: Evidence) => Promise<CheckOutcome> | CheckOutcome,
): ContractCheck {
  return {
    id,
    stage: 'contract',
    title,
    async run(ctx) {
      const evidence: Evidence = {};
      try {
        return await run(ctx, evidence);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return fail(maskText(message), error instanceof HintedError ? error.hint : undefined, evidence);
      }
    },
  };
}

/** A check whose prerequisite did not happen is skipped, naming it: one failure, no cascade. */
export const requires = (what: string, id: string) => skip(`requires ${what} (${id}), which did not succeed`);

export function pointerDocument(ctx: ContractContext): Record<string, unknown> | undefined {
  const name = ctx.contract.pointer?.object;
  return name ? ctx.facts.documents[name] : undefined;
}

export const objectCheckId = (name: string) => `contract.object-${name}.valid`;

export type PointerFields =
  | { ok: true; object: string; values: Record<string, string> }
  | { ok: false; outcome: CheckOutcome };

/** String fields of the pointer, or why they cannot be had (no pointer clause, object not read, field absent). */
export function pointerFields(ctx: ContractContext, fields: readonly string[]): PointerFields {
  const object = ctx.contract.pointer?.object;
  if (!object) return { ok: false, outcome: skip('the contract declares no pointer object to cross-check against') };
  const doc = ctx.facts.documents[object];
  if (!doc) return { ok: false, outcome: requires(`the pointer object "${object}"`, objectCheckId(object)) };
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = doc[field];
    if (typeof value !== 'string' || value === '') {
      return {
        ok: false,
        outcome: fail(
          `pointer "${object}": expected a non-empty string field ${field}, saw ${JSON.stringify(value) ?? 'nothing'}`,
          `add ${field} to the pointer's required fields in the contract, and check what the promote step writes`,
          { pointer: object, [field]: value ?? null },
        ),
      };
    }
    values[field] = value;
  }
  return { ok: true, object, values };
}
