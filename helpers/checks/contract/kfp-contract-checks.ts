import { fail, pass } from '../check.js';
import { diagnoseRunFailure } from '../submission/run-failure-diagnostics.js';
import { contractCheck, requires } from './contract-check-support.js';

/** The contract's KFP clause: the run's state, its tasks, and the parameters it recorded. */

export const kfpRunSucceeded = contractCheck(
  'contract.kfp.run-succeeded',
  'the KFP run is in the expected terminal state',
  async (ctx, evidence) => {
    const expected = ctx.contract.kfp?.state ?? 'SUCCEEDED';
    evidence.runId = ctx.run.runId;
    evidence.endpoint = ctx.kfp.base;
    const run = await ctx.kfp.getRun(ctx.run.runId);
    ctx.facts.kfpRun = run;
    Object.assign(evidence, { state: run.state ?? null, finishedAt: run.finished_at ?? null });
    if (run.error?.message) evidence.error = run.error.message;
    if (run.state !== expected) {
      // The same diagnostics as the submission stage: failed tasks, and on a cluster their pods.
      const diagnosis = run.state === 'SUCCEEDED' ? undefined : await diagnoseRunFailure(run, { config: ctx.config });
      if (diagnosis) evidence.diagnostics = diagnosis.diagnostics;
      return fail(
        `KFP run ${ctx.run.runId}: expected state ${expected}, saw ${run.state ?? 'no state'}${run.error?.message ? ` (${run.error.message})` : ''}${diagnosis?.headline ? `; ${diagnosis.headline}` : ''}`,
        diagnosis?.hint ?? 'open the run in the KFP UI and read the log of its failed task',
        evidence,
      );
    }
    return pass(evidence);
  },
);

export const kfpTasksSucceeded = contractCheck(
  'contract.kfp.tasks-succeeded',
  'every expected task of the run is present and SUCCEEDED',
  (ctx, evidence) => {
    const run = ctx.facts.kfpRun;
    if (!run) return requires('the KFP run', kfpRunSucceeded.id);
    const expected = ctx.contract.kfp?.tasks ?? [];
    const tasks = run.run_details?.task_details ?? [];
    evidence.tasks = Object.fromEntries(tasks.map((t) => [t.display_name ?? t.task_id ?? '?', t.state ?? null]));
    const missing: string[] = [];
    const bad: string[] = [];
    for (const name of expected) {
      const named = tasks.filter((t) => t.display_name === name);
      // A retried task appears more than once: one successful attempt is what counts.
      if (named.length === 0) missing.push(name);
      else if (!named.some((t) => t.state === 'SUCCEEDED')) {
        const last = named.at(-1);
        bad.push(`${name} is ${last?.state ?? 'in no state'}${last?.error?.message ? ` (${last.error.message})` : ''}`);
      }
    }
    Object.assign(evidence, { expected, missing, notSucceeded: bad });
    if (missing.length > 0 || bad.length > 0) {
      const parts = [
        ...(missing.length > 0 ? [`missing task${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`] : []),
        ...(bad.length > 0 ? [`not SUCCEEDED: ${bad.join('; ')}`] : []),
      ];
      return fail(
        `KFP run ${ctx.run.runId} (state ${run.state ?? '?'}): ${parts.join('; ')}`,
        missing.length > 0
          ? `the run has tasks ${Object.keys(evidence.tasks as object).join(', ') || '(none)'} — is kfp.tasks in the contract spelled as the pipeline's task names?`
          : 'read the failed task’s log in the KFP UI; a run reported SUCCEEDED with a failed task points at the backend or an exit handler',
        evidence,
      );
    }
    return pass(evidence);
  },
);

/** Parameter values as KFP may return them: numbers sometimes as strings, structs as JSON. */
export function sameParameter(expected: unknown, seen: unknown): boolean {
  if (typeof expected === 'number' || typeof seen === 'number') {
    const [a, b] = [Number(expected), Number(seen)];
    if (Number.isFinite(a) && Number.isFinite(b) && expected !== '' && seen !== '') return a === b;
  }
  if (typeof expected === 'boolean' || typeof seen === 'boolean') return String(expected) === String(seen);
  return JSON.stringify(expected) === JSON.stringify(seen);
}

export const kfpParametersMatch = contractCheck(
  'contract.kfp.parameters-match',
  'the run recorded exactly the parameters that were submitted',
  (ctx, evidence) => {
    const run = ctx.facts.kfpRun;
    if (!run) return requires('the KFP run', kfpRunSucceeded.id);
    const recorded = run.runtime_config?.parameters ?? {};
    const submitted = ctx.run.parameters;
    Object.assign(evidence, { submitted, recorded });
    const problems: string[] = [];
    for (const [name, value] of Object.entries(submitted)) {
      if (!(name in recorded)) problems.push(`${name}: submitted ${JSON.stringify(value)}, not recorded`);
      else if (!sameParameter(value, recorded[name]))
        problems.push(`${name}: submitted ${JSON.stringify(value)}, recorded ${JSON.stringify(recorded[name])}`);
    }
    for (const name of Object.keys(recorded)) {
      if (!(name in submitted)) problems.push(`${name}: recorded ${JSON.stringify(recorded[name])}, never submitted`);
    }
    if (problems.length > 0) {
      return fail(
        `KFP run ${ctx.run.runId} parameters differ from the submission: ${problems.join('; ')}`,
        'the contract is being checked against another run than the one submitted, or the server rewrote parameters — check the run id and its runtime_config',
        evidence,
      );
    }
    return pass(evidence);
  },
);
