import { request } from 'undici';
import { maskText } from '../../../helpers/config/mask.js';
import type { Config } from '../../../helpers/config/schema.js';

/**
 * The MLflow REST calls the suite's client has no reason to make (it only reads, and sets the
 * alias): used to break the tracking server's state on purpose and to put it back.
 */
async function post(config: Config, path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const url = `${config.mlflow.trackingUri.replace(/\/+$/, '')}${path}`;
  const timeout = config.timeouts.requestMs;
  const response = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(config.mlflow.token ? { authorization: `Bearer ${config.mlflow.token}` } : {}),
    },
    body: JSON.stringify(body),
    headersTimeout: timeout,
    bodyTimeout: timeout,
    signal: AbortSignal.timeout(timeout),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(maskText(`POST ${url}: HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
  return JSON.parse(text) as Record<string, unknown>;
}

/** runs/update: sets the run's status (and end time, when given). */
export async function updateRunStatus(
  config: Config,
  runId: string,
  status: 'FINISHED' | 'FAILED',
  endTime?: string | number,
): Promise<void> {
  await post(config, '/api/2.0/mlflow/runs/update', {
    run_id: runId,
    status,
    ...(endTime !== undefined ? { end_time: endTime } : {}),
  });
}

/**
 * model-versions/create: a new version of a registered model from existing artifacts; its number.
 * MLflow 3 registers logged models (source `models:/m-<id>`), and then requires their model_id too.
 */
export async function createModelVersion(
  config: Config,
  request_: { name: string; source: string; runId: string },
): Promise<string> {
  const loggedModel = /^models:\/(m-[0-9a-f]+)$/.exec(request_.source)?.[1];
  const body = await post(config, '/api/2.0/mlflow/model-versions/create', {
    name: request_.name,
    source: request_.source,
    run_id: request_.runId,
    ...(loggedModel ? { model_id: loggedModel } : {}),
  });
  const version = (body.model_version as { version?: unknown } | undefined)?.version;
  if (typeof version !== 'string')
    throw new Error(`model-versions/create answered without a version: ${JSON.stringify(body)}`);
  return version;
}
