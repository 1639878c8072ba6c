import { spawn } from 'node:child_process';
import type { GatewayClient } from '../../clients/gateway.js';
import type { MlflowRun } from '../../clients/mlflow-schemas.js';
import { toEnv } from '../../config/export.js';
import { maskText } from '../../config/mask.js';
import type { Config } from '../../config/schema.js';
import { REFERENCE_SYSTEM_DIR } from '../../stack/native/gateway.js';
import { NATIVE_PATHS } from '../../stack/project-paths.js';
import { describeLast, retryUntil, WaitTimeoutError } from '../../util/retry-until.js';
import { type Check, type CheckOutcome, fail, HintedError, pass, skip } from '../check.js';
import type { ContractContext } from './context.js';
import type { Contract } from './contract-schema.js';
import { formatJsonProblem, validateJsonShape } from './json-validator.js';
import { renderTemplate, templateVars } from './templates.js';

/**
 * The contract stage's clauses over services: the KFP run and its tasks, the MLflow run, metrics
 * and registry, and the gateway — plus cross-checks between them and the promotion pointer (the
 * object checks, which run before the MLflow checks, put the parsed pointer in facts.documents).
 * Facts flow forward: a check that needs a fact another check could not establish skips, naming it.
 */

type ContractCheck = Check<ContractContext>;
type Evidence = Record<string, unknown>;

/** How long the gateway may take to pick up a new pointer (it polls every 2 s) before it is a failure. */
export const GATEWAY_PICKUP_MS = 15_000;
/** Relative tolerance between the pointer's metrics and MLflow's (both written from one float). */
export const METRIC_TOLERANCE = 1e-9;
/** Tolerance between the gateway's predictions and the reference model's, after the same rounding. */
export const PREDICTION_TOLERANCE = 1e-6;

/** A check whose unexpected exceptions (client errors: endpoint, what was seen, hint) keep their evidence. */
function contractCheck(
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
const requires = (what: string, id: string) => skip(`requires ${what} (${id}), which did not succeed`);

// ---------------------------------------------------------------------------------------------
// Templates and the pointer

function pointerDocument(ctx: ContractContext): Record<string, unknown> | undefined {
  const name = ctx.contract.pointer?.object;
  return name ? ctx.facts.documents[name] : undefined;
}

const objectCheckId = (name: string) => `contract.object-${name}.valid`;

type PointerFields =
  | { ok: true; object: string; values: Record<string, string> }
  | { ok: false; outcome: CheckOutcome };

/** String fields of the pointer, or why they cannot be had (no pointer clause, object not read, field absent). */
function pointerFields(ctx: ContractContext, fields: readonly string[]): PointerFields {
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

// ---------------------------------------------------------------------------------------------
// KFP

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
      return fail(
        `KFP run ${ctx.run.runId}: expected state ${expected}, saw ${run.state ?? 'no state'}${run.error?.message ? ` (${run.error.message})` : ''}`,
        'open the run in the KFP UI and read the log of its failed task',
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
function sameParameter(expected: unknown, seen: unknown): boolean {
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

// ---------------------------------------------------------------------------------------------
// MLflow

const metricsOf = (run: MlflowRun) => Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
const paramsOf = (run: MlflowRun) => Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));

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

function experimentMissing(name: string, message: string, evidence: Evidence): CheckOutcome {
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

type Operator = '<' | '<=' | '>' | '>=' | '==';

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

function registeredModelName(ctx: ContractContext, pointer: Record<string, string>): string {
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

// ---------------------------------------------------------------------------------------------
// Gateway

function gatewayOf(ctx: ContractContext): GatewayClient | undefined {
  return ctx.clients.gateway;
}

export const gatewayHealth = contractCheck(
  'contract.gateway.health',
  'the gateway answers its health endpoint with the expected fields',
  async (ctx, evidence) => {
    const gateway = gatewayOf(ctx);
    if (!gateway) {
      return fail(
        'the contract has a gateway section, but no gateway endpoint is configured',
        'set GATEWAY_URL to the model gateway (or drop the gateway section from the contract)',
        evidence,
      );
    }
    evidence.endpoint = gateway.endpoint;
    const response = await gateway.healthJson();
    ctx.facts.gatewayHealth = response.body;
    Object.assign(evidence, { latencyMs: response.latencyMs, body: response.body });
    const expected = ctx.contract.gateway?.health ?? {};
    const body = response.body as Record<string, unknown>;
    const problems = Object.entries(expected)
      .filter(([field, value]) => body[field] !== value)
      .map(
        ([field, value]) => `${field} is ${JSON.stringify(body[field]) ?? 'absent'}, expected ${JSON.stringify(value)}`,
      );
    if (problems.length > 0) {
      return fail(
        `gateway ${gateway.endpoint}/health: ${problems.join('; ')}${body.last_error ? ` (last_error: ${String(body.last_error)})` : ''}`,
        body.status === 'no_model'
          ? 'the gateway has no model: it has not found the promotion pointer of this dataset/identifier (was the model promoted? same DATASET/IDENTIFIER?)'
          : 'read the gateway log; last_error says why a model did not load',
        evidence,
      );
    }
    return pass(evidence);
  },
);

/** `pickupMs`: how long to wait for the gateway to serve the pointer's version. */
export function gatewayServesPointerVersionCheck(pickupMs = GATEWAY_PICKUP_MS): ContractCheck {
  return contractCheck(
    'contract.gateway.serves-pointer-version',
    "the gateway serves the pointer's model version",
    async (ctx, evidence) => {
      const gateway = gatewayOf(ctx);
      if (!gateway || !ctx.facts.gatewayHealth) return requires('a gateway that answers', gatewayHealth.id);
      const pointer = pointerFields(ctx, ['model_version']);
      if (!pointer.ok) return pointer.outcome;
      const version = pointer.values.model_version as string;
      Object.assign(evidence, { endpoint: gateway.endpoint, pointerVersion: version });
      const started = performance.now();
      // The gateway polls the pointer's ETag: a just-written pointer takes one poll interval to be served.
      let served: string | null | undefined;
      try {
        const health = await retryUntil(
          () => gateway.healthJson(),
          (r) => r.body.model_version === version,
          (_ms, last) => describeLast(last),
          { timeoutMs: pickupMs, intervalMs: 250, maxIntervalMs: 1000 },
        );
        served = health.body.model_version;
      } catch (error) {
        if (!(error instanceof WaitTimeoutError)) throw error;
        const last = error.last as { body?: { model_version?: string | null; last_error?: string | null } } | Error;
        served = last instanceof Error ? undefined : last.body?.model_version;
        Object.assign(evidence, { servedVersion: served ?? null, waitedMs: Math.round(error.elapsedMs) });
        const lastError = last instanceof Error ? last.message : last.body?.last_error;
        return fail(
          `gateway ${gateway.endpoint} serves model version ${served ?? '(none)'}, the pointer "${pointer.object}" names version ${version} (waited ${Math.round(error.elapsedMs / 1000)} s)${lastError ? `; last error: ${lastError}` : ''}`,
          'the gateway did not pick up the pointer: is it configured with the same dataset/identifier (pointer key) and bucket? See its last_error and log',
          evidence,
        );
      }
      ctx.facts.gatewayVersion = served ?? undefined;
      const model = await gateway.model();
      Object.assign(evidence, {
        servedVersion: served,
        waitedMs: Math.round(performance.now() - started),
        modelEndpointVersion: model.body.model_version ?? null,
      });
      if (model.body.model_version !== version) {
        return fail(
          `gateway ${gateway.endpoint}/model reports version ${model.body.model_version ?? '(none)'} while /health reports ${version}`,
          'the gateway swapped models between the two calls, or its endpoints disagree — read its log',
          evidence,
        );
      }
      return pass(evidence);
    },
  );
}

export const gatewayServesPointerVersion = gatewayServesPointerVersionCheck();

export const gatewayPredict = contractCheck(
  'contract.gateway.predict',
  "the gateway answers the contract's sample request with the required shape",
  async (ctx, evidence) => {
    const clause = ctx.contract.gateway?.predict;
    if (!clause) return skip('the contract has no gateway.predict clause');
    const gateway = gatewayOf(ctx);
    if (!gateway || !ctx.facts.gatewayHealth) return requires('a gateway that answers', gatewayHealth.id);
    evidence.endpoint = gateway.endpoint;
    const response = await gateway.predict(clause.request);
    const body = response.body;
    Object.assign(evidence, { status: response.status, latencyMs: response.latencyMs, body });
    const problems = validateJsonShape(body, clause.response).map(formatJsonProblem);
    const instances = clause.request.instances;
    if (Array.isArray(instances) && Array.isArray(body.predictions) && body.predictions.length !== instances.length)
      problems.push(`predictions: ${body.predictions.length} for ${instances.length} instances`);
    const pointer = pointerDocument(ctx);
    const pointerVersion = typeof pointer?.model_version === 'string' ? pointer.model_version : undefined;
    if (pointerVersion !== undefined && body.model_version !== pointerVersion)
      problems.push(`model_version is ${JSON.stringify(body.model_version)}, the pointer names ${pointerVersion}`);
    if (problems.length > 0) {
      return fail(
        `gateway ${gateway.endpoint}/predict: ${problems.join('; ')}`,
        'compare the answer in the evidence with gateway.predict.response in the contract',
        evidence,
      );
    }
    if (Array.isArray(body.predictions) && body.predictions.every((p) => typeof p === 'number'))
      ctx.facts.gatewayPredictions = body.predictions as number[];
    return pass(evidence);
  },
);

/** Predictions of a registered model version for instances, computed outside the gateway. */
export type ReferenceModel = (config: Config, modelUri: string, instances: unknown[]) => Promise<number[]>;

/** How long loading a model in a fresh Python (imports, registry, S3) may take. */
const REFERENCE_TIMEOUT_MS = 120_000;

/**
 * The reference: the pointer's model loaded from the registry by MLflow in the project's Python,
 * fed through the reference system's own feature code (fixtures/poblesec/poblesec/features.py),
 * rounded as the gateway rounds (4 decimals).
 */
const REFERENCE_SCRIPT = `
import json, os, sys
import numpy as np, pandas as pd
import mlflow
from poblesec.features import RAW_FEATURES, engineer_features, model_feature_columns
req = json.loads(sys.stdin.read())
mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
model = mlflow.sklearn.load_model(req["model_uri"])
raw = pd.DataFrame(req["instances"], columns=RAW_FEATURES)
x = engineer_features(raw)[model_feature_columns()].astype("float64")
out = np.asarray(model.predict(x), dtype="float64")
print(json.dumps([round(float(v), 4) for v in out]))
`;

export const pythonReferenceModel: ReferenceModel = (config, modelUri, instances) =>
  new Promise((resolve, reject) => {
    const child = spawn(NATIVE_PATHS.python, ['-c', REFERENCE_SCRIPT], {
      cwd: REFERENCE_SYSTEM_DIR,
      env: {
        ...process.env,
        ...toEnv(config),
        MLFLOW_S3_ENDPOINT_URL: config.minio.endpoint,
        AWS_ACCESS_KEY_ID: config.minio.accessKey,
        AWS_SECRET_ACCESS_KEY: config.minio.secretKey,
        AWS_DEFAULT_REGION: config.minio.region,
        MLFLOW_ALLOW_PICKLE_DESERIALIZATION: 'true',
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), REFERENCE_TIMEOUT_MS);
    const tail = () => maskText(stderr.trim().split('\n').slice(-5).join(' | '));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new HintedError(`could not start ${NATIVE_PATHS.python}: ${error.message}`, 'run `npm run setup`'));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const parsed = JSON.parse(last) as unknown;
        if (code === 0 && Array.isArray(parsed) && parsed.every((v) => typeof v === 'number')) {
          resolve(parsed);
          return;
        }
      } catch {
        // not JSON: reported below
      }
      reject(
        new HintedError(
          `loading ${modelUri} in Python for reference predictions failed (${signal ? `killed by ${signal} after ${REFERENCE_TIMEOUT_MS} ms` : `exit ${code}`}): ${tail() || 'no output'}`,
          'the registry version must be loadable with mlflow.sklearn.load_model from this machine (MLflow and MinIO reachable)',
        ),
      );
    });
    child.stdin.end(JSON.stringify({ model_uri: modelUri, instances }));
  });

export function gatewayPredictionsMatchModel(reference: ReferenceModel = pythonReferenceModel): ContractCheck {
  return contractCheck(
    'contract.gateway.predictions-match-model',
    "the gateway's predictions are those of the pointer's model",
    async (ctx, evidence) => {
      const clause = ctx.contract.gateway?.predict;
      if (!clause) return skip('the contract has no gateway.predict clause');
      const served = ctx.facts.gatewayPredictions;
      if (!served) return requires("the gateway's predictions", gatewayPredict.id);
      const pointer = pointerFields(ctx, ['model_name', 'model_version']);
      if (!pointer.ok) return pointer.outcome;
      const instances = Array.isArray(clause.request.instances) ? clause.request.instances : [];
      const modelUri = `models:/${pointer.values.model_name}/${pointer.values.model_version}`;
      const started = performance.now();
      const expected = await reference(ctx.config, modelUri, instances);
      Object.assign(evidence, {
        modelUri,
        gateway: served,
        reference: expected,
        tolerance: PREDICTION_TOLERANCE,
        referenceMs: Math.round(performance.now() - started),
      });
      const problems: string[] = [];
      if (expected.length !== served.length)
        problems.push(`${served.length} predictions from the gateway, ${expected.length} from the model`);
      expected.forEach((want, i) => {
        const got = served[i];
        if (got !== undefined && Math.abs(got - want) > PREDICTION_TOLERANCE * Math.max(1, Math.abs(want)))
          problems.push(`instance ${i}: gateway ${got}, model ${want}`);
      });
      if (problems.length > 0) {
        return fail(
          `gateway predictions differ from ${modelUri}: ${problems.join('; ')}`,
          'the gateway serves another model than the pointer names, or its feature code drifted from the pipeline’s',
          evidence,
        );
      }
      return pass(evidence);
    },
  );
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const gatewayLatency = contractCheck(
  'contract.gateway.latency',
  'the p95 latency of sequential predictions is within budget',
  async (ctx, evidence) => {
    const budget = ctx.contract.gateway?.latency;
    if (!budget) return skip('the contract has no gateway.latency clause');
    const request = ctx.contract.gateway?.predict?.request;
    if (!request) return skip('gateway.latency needs gateway.predict.request to send');
    const gateway = gatewayOf(ctx);
    if (!gateway || !ctx.facts.gatewayHealth) return requires('a gateway that answers', gatewayHealth.id);
    evidence.endpoint = gateway.endpoint;
    const latencies: number[] = [];
    for (let i = 0; i < budget.requests; i++) {
      try {
        latencies.push((await gateway.predict(request)).latencyMs);
      } catch (error) {
        evidence.completed = latencies.length;
        throw new HintedError(
          `request ${i + 1} of ${budget.requests}: ${(error as Error).message}`,
          error instanceof HintedError ? error.hint : undefined,
        );
      }
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const [p50, p95, max] = [percentile(sorted, 50), percentile(sorted, 95), sorted.at(-1) as number];
    Object.assign(evidence, {
      requests: budget.requests,
      p50Ms: p50,
      p95Ms: p95,
      maxMs: max,
      budgetP95Ms: budget.p95Ms,
    });
    if (p95 > budget.p95Ms) {
      return fail(
        `gateway ${gateway.endpoint}/predict: p95 ${p95} ms over ${budget.requests} requests, budget ${budget.p95Ms} ms (p50 ${p50} ms, max ${max} ms)`,
        'the gateway is slow or the machine is loaded — profile /predict; raise the budget only if it is realistic',
        evidence,
      );
    }
    return pass(evidence);
  },
);

// ---------------------------------------------------------------------------------------------

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
