import type { MlflowRun } from '../../clients/mlflow-schemas.js';
import { type CheckOutcome, fail, pass, skip } from '../check.js';
import type { ContractContext } from './context.js';
import {
  contractCheck,
  type Evidence,
  METRIC_TOLERANCE,
  objectCheckId,
  pointerFields,
  requires,
} from './contract-check-support.js';
import { renderTemplate, templateVars } from './templates.js';

/**
 * The contract's MLflow clause and its cross-checks with the promotion pointer: the run, its
 * parameters and metrics, the registered version and the alias.
 */

export const metricsOf = (run: MlflowRun) => Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
export const paramsOf = (run: MlflowRun) => Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));

export const mlflowRunFinished = contractCheck(
  'contract.mlflow.run-finished',
  "the pointer's MLflow run exists, finished, in the contract's experiment",
  async (ctx, evidence) => {
    const clause = ctx.contract.mlflow;
    if (!clause) return skip('the contract has no mlflow section');
    const pointer = ctx.contract.pointer ? pointerFields(ctx, ['mlflow_run_id']) : undefined;
    if (pointer && !pointer.ok) return pointer.outcome;
    const mlflow = ctx.clients.mlflow;
    const experimentName = renderTemplate(clause.experiment, templateVars(ctx));
    Object.assign(evidence, { endpoint: mlflow.endpoint, experiment: experimentName });
    const experiment = await mlflow.getExperimentByName(experimentName);
    let runId: string;
    let source: string;
    if (pointer?.ok) {
      runId = pointer.values.mlflow_run_id as string;
      source = `pointer "${pointer.object}" field mlflow_run_id`;
    } else {
      // No pointer to follow: the newest run the pipeline tagged with this identifier.
      if (!experiment.found) return experimentMissing(experimentName, experiment.message, evidence);
      const filter = `tags.identifier = '${ctx.config.run.identifier.replaceAll("'", "\\'")}'`;
      const found = await mlflow.searchRuns({
        experimentIds: [experiment.value.experiment_id],
        filter,
        maxResults: 1,
        orderBy: ['attributes.start_time DESC'],
      });
      const newest = found.body.runs[0];
      if (!newest) {
        return fail(
          `MLflow experiment "${experimentName}": expected a run with ${filter}, saw none`,
          'the train step tags its run with the identifier; did it run for this identifier?',
          evidence,
        );
      }
      runId = newest.info.run_id;
      source = `newest run with ${filter}`;
    }
    Object.assign(evidence, { runId, source });
    const found = await mlflow.getRun(runId);
    if (!found.found) {
      return fail(
        `MLflow run ${runId} (${source}) does not exist at ${mlflow.endpoint}: ${found.errorCode}${found.message ? `: ${found.message}` : ''}`,
        'the pointer names a run this tracking server does not know — another MLflow server, or the run was deleted',
        evidence,
      );
    }
    const run = found.value;
    const status = run.info.status ?? 'UNKNOWN';
    ctx.facts.mlflowRun = { runId, status, params: paramsOf(run), metrics: metricsOf(run) };
    Object.assign(evidence, {
      status,
      experimentId: run.info.experiment_id,
      runName: run.info.run_name ?? null,
      lifecycleStage: run.info.lifecycle_stage ?? null,
      latencyMs: found.latencyMs,
    });
    const problems: string[] = [];
    if (status !== clause.run.status) problems.push(`status is ${status}, expected ${clause.run.status}`);
    if (run.info.lifecycle_stage === 'deleted') problems.push('the run is deleted');
    if (!experiment.found) problems.push(`experiment "${experimentName}" does not exist`);
    else if (experiment.value.experiment_id !== run.info.experiment_id)
      problems.push(
        `it is in experiment id ${run.info.experiment_id}, not in "${experimentName}" (id ${experiment.value.experiment_id})`,
      );
    if (problems.length > 0) {
      return fail(
        `MLflow run ${runId} (${source}): ${problems.join('; ')}`,
        status !== clause.run.status
          ? 'a run that is not FINISHED was not ended (mlflow.end_run) or its step crashed — read the train/evaluate task logs'
          : `check mlflow.experiment in the contract (rendered "${experimentName}") against the experiment the train step uses`,
        evidence,
      );
    }
    return pass(evidence);
  },
);

export function experimentMissing(name: string, message: string, evidence: Evidence): CheckOutcome {
  return fail(
    `MLflow experiment "${name}" does not exist${message ? `: ${message}` : ''}`,
    'check mlflow.experiment in the contract and E2E_DATASET; the train step creates the experiment',
    evidence,
  );
}

export const mlflowParamsPresent = contractCheck(
  'contract.mlflow.params-present',
  'the MLflow run logged every required parameter',
  (ctx, evidence) => {
    const run = ctx.facts.mlflowRun;
    if (!run) return requires('the MLflow run', mlflowRunFinished.id);
    const required = ctx.contract.mlflow?.run.params ?? [];
    const missing = required.filter((p) => !(p in run.params));
    Object.assign(evidence, {
      runId: run.runId,
      params: Object.fromEntries(required.filter((p) => p in run.params).map((p) => [p, run.params[p]])),
      missing,
    });
    if (missing.length > 0) {
      return fail(
        `MLflow run ${run.runId}: missing param${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (logged: ${Object.keys(run.params).join(', ') || 'none'})`,
        'the train step must log these with mlflow.log_params — or the contract names a param the pipeline never logs',
        evidence,
      );
    }
    return pass(evidence);
  },
);

export type Operator = '<' | '<=' | '>' | '>=' | '==';

/** `"<= 6.0"` → operator and bound (the contract schema has already checked the form). */
export function parseComparison(text: string): { op: Operator; bound: number } {
  const match = /^\s*(<=|>=|<|>|==)\s*(\S+)\s*$/.exec(text);
  if (!match) throw new Error(`not a comparison: ${text}`);
  return { op: match[1] as Operator, bound: Number(match[2]) };
}

export function meets(value: number, op: Operator, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '==':
      return value === bound;
  }
}

export const mlflowMetricsThresholds = contractCheck(
  'contract.mlflow.metrics-thresholds',
  "the MLflow run's metrics are within the contract's bounds",
  (ctx, evidence) => {
    const run = ctx.facts.mlflowRun;
    if (!run) return requires('the MLflow run', mlflowRunFinished.id);
    const bounds = ctx.contract.mlflow?.run.metrics ?? {};
    const problems: string[] = [];
    const observed: Record<string, unknown> = {};
    for (const [metric, comparison] of Object.entries(bounds)) {
      const { op, bound } = parseComparison(comparison);
      const value = run.metrics[metric];
      observed[metric] = { value: value ?? null, bound: comparison.trim() };
      if (value === undefined) problems.push(`${metric} was not logged (expected ${comparison.trim()})`);
      else if (!meets(value, op, bound)) problems.push(`${metric} = ${value}, expected ${comparison.trim()}`);
    }
    Object.assign(evidence, { runId: run.runId, metrics: observed });
    if (problems.length > 0) {
      return fail(
        `MLflow run ${run.runId}: ${problems.join('; ')}`,
        'the model misses its quality bar: look at the data and training parameters — or, if the bar is wrong, the contract',
        evidence,
      );
    }
    return pass(evidence);
  },
);

/** Equal within a relative tolerance (exactly equal for zero). */
export function closeTo(a: number, b: number, relative: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));
}

export const mlflowMetricsMatchPointer = contractCheck(
  'contract.mlflow.metrics-match-pointer',
  "the pointer's metrics are the MLflow run's metrics",
  (ctx, evidence) => {
    const run = ctx.facts.mlflowRun;
    const object = ctx.contract.pointer?.object;
    if (!object) return skip('the contract declares no pointer object to cross-check against');
    const doc = ctx.facts.documents[object];
    if (!doc) return requires(`the pointer object "${object}"`, objectCheckId(object));
    if (!run) return requires('the MLflow run', mlflowRunFinished.id);
    const metrics = doc.metrics;
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
      return fail(
        `pointer "${object}": expected a metrics object, saw ${JSON.stringify(metrics) ?? 'nothing'}`,
        'add metrics to the pointer schema in the contract',
        evidence,
      );
    }
    const problems: string[] = [];
    const pairs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(metrics as Record<string, unknown>)) {
      const logged = run.metrics[name];
      pairs[name] = { pointer: value, mlflow: logged ?? null };
      if (typeof value !== 'number') problems.push(`${name}: the pointer has ${JSON.stringify(value)}, not a number`);
      else if (logged === undefined) problems.push(`${name}: ${value} in the pointer, not logged in the run`);
      else if (!closeTo(value, logged, METRIC_TOLERANCE)) problems.push(`${name}: pointer ${value}, MLflow ${logged}`);
    }
    Object.assign(evidence, { pointer: object, runId: run.runId, metrics: pairs, tolerance: METRIC_TOLERANCE });
    if (problems.length > 0) {
      return fail(
        `pointer "${object}" and MLflow run ${run.runId} disagree: ${problems.join('; ')}`,
        'the pointer was written from another run or before the final metrics were logged — check the promote step',
        evidence,
      );
    }
    return pass(evidence);
  },
);

export function registeredModelName(ctx: ContractContext, pointer: Record<string, string>): string {
  return ctx.contract.mlflow?.registeredModel ?? (pointer.model_name as string);
}

export const mlflowRegisteredVersion = contractCheck(
  'contract.mlflow.registered-version',
  "the pointer's model version exists in the registered model",
  async (ctx, evidence) => {
    const fields = ctx.contract.mlflow?.registeredModel ? ['model_version'] : ['model_name', 'model_version'];
    const pointer = pointerFields(ctx, fields);
    if (!pointer.ok) return pointer.outcome;
    const mlflow = ctx.clients.mlflow;
    const name = registeredModelName(ctx, pointer.values);
    const version = pointer.values.model_version as string;
    const doc = ctx.facts.documents[pointer.object] ?? {};
    Object.assign(evidence, { endpoint: mlflow.endpoint, registeredModel: name, pointerVersion: version });
    if (typeof doc.model_name === 'string' && doc.model_name !== name) {
      return fail(
        `pointer "${pointer.object}" names model "${doc.model_name}", the contract expects registered model "${name}"`,
        'check mlflow.registeredModel in the contract against the pipeline parameter model_name',
        evidence,
      );
    }
    const model = await mlflow.getRegisteredModel(name);
    if (!model.found) {
      return fail(
        `registered model "${name}" does not exist at ${mlflow.endpoint}: ${model.message || model.errorCode}`,
        'the train step registers it; check the model name and the tracking server',
        evidence,
      );
    }
    evidence.aliases = model.value.aliases;
    const found = await mlflow.getModelVersion(name, version);
    if (!found.found) {
      return fail(
        `registered model "${name}" has no version ${version} (pointer "${pointer.object}" field model_version): ${found.message || found.errorCode}`,
        'the pointer names a version that does not exist — deleted, or written against another registry',
        evidence,
      );
    }
    const mv = found.value;
    Object.assign(evidence, { status: mv.status ?? null, runId: mv.run_id ?? null, source: mv.source ?? null });
    const problems: string[] = [];
    if (mv.status !== undefined && mv.status !== 'READY') problems.push(`its status is ${mv.status}, expected READY`);
    const pointerRun = doc.mlflow_run_id;
    if (typeof pointerRun === 'string' && mv.run_id !== undefined && mv.run_id !== pointerRun)
      problems.push(`it was made by run ${mv.run_id}, the pointer names run ${pointerRun}`);
    if (problems.length > 0) {
      return fail(
        `version ${version} of "${name}": ${problems.join('; ')}`,
        'the pointer and the registry disagree — check the promote step',
        evidence,
      );
    }
    return pass(evidence);
  },
);

export const mlflowAlias = contractCheck(
  'contract.mlflow.alias',
  "the registry alias points to the pointer's model version",
  async (ctx, evidence) => {
    const alias = ctx.contract.mlflow?.alias;
    if (!alias) return skip('the contract names no alias');
    const fields = ctx.contract.mlflow?.registeredModel ? ['model_version'] : ['model_name', 'model_version'];
    const pointer = pointerFields(ctx, fields);
    if (!pointer.ok) return pointer.outcome;
    const mlflow = ctx.clients.mlflow;
    const name = registeredModelName(ctx, pointer.values);
    const version = pointer.values.model_version as string;
    Object.assign(evidence, { endpoint: mlflow.endpoint, registeredModel: name, alias, pointerVersion: version });
    const found = await mlflow.getModelVersionByAlias(name, alias);
    if (!found.found) {
      return fail(
        `alias "${alias}" of registered model "${name}" is not set (the pointer names version ${version}): ${found.message || found.errorCode}`,
        'the promote step sets the alias when the model meets its threshold — read its log',
        evidence,
      );
    }
    ctx.facts.aliasVersion = found.value.version;
    evidence.aliasVersion = found.value.version;
    if (found.value.version !== version) {
      return fail(
        `alias "${alias}" of "${name}" points to version ${found.value.version}, the pointer "${pointer.object}" names version ${version}`,
        'a later promotion moved the alias without rewriting this pointer (or the other way round) — the gateway serves the pointer, the registry says otherwise',
        evidence,
      );
    }
    return pass(evidence);
  },
);
