import { spawn } from 'node:child_process';
import type { GatewayClient } from '../../clients/gateway.js';
import { toEnv } from '../../config/export.js';
import { maskText } from '../../config/mask.js';
import type { Config } from '../../config/schema.js';
import { REFERENCE_SYSTEM_DIR } from '../../stack/native/gateway.js';
import { NATIVE_PATHS } from '../../stack/project-paths.js';
import { describeLast, retryUntil, WaitTimeoutError } from '../../util/retry-until.js';
import { fail, HintedError, pass, skip } from '../check.js';
import type { ContractContext } from './context.js';
import {
  type ContractCheck,
  contractCheck,
  GATEWAY_PICKUP_MS,
  PREDICTION_TOLERANCE,
  pointerDocument,
  pointerFields,
  requires,
} from './contract-check-support.js';
import { formatJsonProblem, validateJsonShape } from './json-validator.js';

/**
 * The contract's gateway clause and its cross-checks: health, the version served, a sample
 * prediction (and that model's own answer for it), and a latency budget.
 */

export function gatewayOf(ctx: ContractContext): GatewayClient | undefined {
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
export const REFERENCE_TIMEOUT_MS = 120_000;

/**
 * The reference: the pointer's model loaded from the registry by MLflow in the project's Python,
 * fed through the reference system's own feature code (fixtures/poblesec/poblesec/features.py),
 * rounded as the gateway rounds (4 decimals).
 */
export const REFERENCE_SCRIPT = `
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
