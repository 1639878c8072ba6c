import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retryUntil } from '../../util/retry-until.js';
import { freePort } from '../native/free-port.js';
import { startPostgres } from '../native/postgres.js';
import type { DatabaseSettings } from './database.js';

/**
 * For the local API's own tests: a real PostgreSQL in a temp dir, HTTP helpers, and a runner
 * substitute (a Node script) whose behaviour the run's `run_label` parameter picks.
 */

export interface TestPostgres {
  dir: string;
  database: DatabaseSettings;
  stop(): Promise<void>;
}

export async function startTestPostgres(prefix: string): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its folder.
  chmodSync(dir, 0o711);
  const pgDir = join(dir, 'postgres');
  mkdirSync(pgDir);
  const port = await freePort();
  const credentials = { user: 'kfp_test', password: 'kfp-test-db-secret' };
  const pg = await startPostgres({ dir: pgDir, port, ...credentials, database: 'postgres' });
  return {
    dir,
    database: { host: '127.0.0.1', port, ...credentials, database: 'kfp' },
    async stop() {
      await pg.process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
  /** The parsed body; undefined when it is not JSON. */
  json: any;
}

export async function call(base: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(15_000) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return toResponse(await fetch(`${base}${path}`, init));
}

export async function upload(
  base: string,
  path: string,
  file: { name: string; content: Uint8Array | string; field?: string } | undefined,
): Promise<ApiResponse> {
  const form = new FormData();
  if (file) form.append(file.field ?? 'uploadfile', new Blob([file.content]), file.name);
  else form.append('other', 'value');
  return toResponse(await fetch(`${base}${path}`, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) }));
}

async function toResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

/** Waits until the runner substitute of a `hang` run is ready to be terminated. */
export async function waitForHangingRunner(workDir: string, runId: string): Promise<void> {
  const file = join(workDir, 'runs', runId, 'pipeline-root', 'ready');
  await retryUntil(
    async () => existsSync(file),
    (ready) => ready,
    () => `runner substitute of run ${runId} not ready (${file})`,
    { timeoutMs: 15_000, intervalMs: 20, maxIntervalMs: 200 },
  );
}

/** Polls GET run until its state is one of `states` (any final state by default). */
export async function waitForRun(
  base: string,
  runId: string,
  states: string[] = ['SUCCEEDED', 'FAILED', 'CANCELED', 'SKIPPED'],
  timeoutMs = 20_000,
): Promise<any> {
  const response = await retryUntil(
    () => call(base, 'GET', `/apis/v2beta1/runs/${runId}`),
    (r) => r.status === 200 && states.includes(r.json?.state),
    (elapsed, last) =>
      `run ${runId}: expected a state in ${states.join('|')} within ${elapsed} ms, last saw ${JSON.stringify((last as ApiResponse | undefined)?.json?.state)}`,
    { timeoutMs, intervalMs: 50, maxIntervalMs: 500 },
  );
  return response.json;
}

/**
 * A stand-in for `python -m poblesec.local_runner`: same arguments, same JSON. `--param
 * run_label=<mode>` picks: succeed (default), fail, crash, garbage, invalid, hang (until SIGTERM,
 * then CANCELED; `<pipeline-root>/ready` says its handler is in place). It records its argv, cwd
 * and some env in `<pipeline-root>/invocation.json`.
 */
export function writeFakeRunner(dir: string): string {
  const file = join(dir, 'fake-runner.cjs');
  writeFileSync(
    file,
    `const fs = require('node:fs');
const path = require('node:path');
const argv = process.argv.slice(2);
const arg = (name) => argv[argv.indexOf(name) + 1];
const params = {};
argv.forEach((a, i) => { if (a === '--param') { const [k, ...v] = argv[i + 1].split('='); params[k] = v.join('='); } });
const root = arg('--pipeline-root');
fs.writeFileSync(path.join(root, 'invocation.json'), JSON.stringify({
  argv, cwd: process.cwd(), params,
  env: { MINIO_ENDPOINT: process.env.MINIO_ENDPOINT, PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED },
  package: fs.readFileSync(arg('--package'), 'utf8').slice(0, 200),
}));
const now = () => new Date().toISOString().replace('Z', '+00:00');
const mode = params.run_label || 'succeed';
const out = (doc, code) => { process.stdout.write(JSON.stringify(doc)); process.exitCode = code; };
const t0 = now();
if (mode === 'succeed') {
  out({ state: 'SUCCEEDED', tasks: [
    { name: 'prepare-data', state: 'SUCCEEDED', started_at: t0, finished_at: now(), duration_ms: 1, outputs: { rows: 3 } },
    { name: 'train-model', state: 'SUCCEEDED', started_at: now(), finished_at: now(), duration_ms: 1 },
  ], outputs: { ok: true } }, 0);
} else if (mode === 'fail') {
  const secret = process.env.MINIO_SECRET_KEY;
  out({ state: 'FAILED', failed_task: 'train-model',
    error: "task 'train-model' failed: RuntimeError: cannot reach MinIO with key " + secret,
    tasks: [
      { name: 'prepare-data', state: 'SUCCEEDED', started_at: t0, finished_at: now() },
      { name: 'train-model', state: 'FAILED', started_at: now(), finished_at: now(),
        error: 'RuntimeError: cannot reach MinIO with key ' + secret,
        log_tail: ['Traceback (most recent call last):', '  connecting with ' + secret, 'RuntimeError: cannot reach MinIO'] },
    ] }, 1);
} else if (mode === 'crash') {
  process.stderr.write('Traceback (most recent call last):\\nImportError: No module named kfp\\n');
  process.exitCode = 1;
} else if (mode === 'garbage') {
  process.stdout.write('this is not JSON');
} else if (mode === 'invalid') {
  out({ state: 'INVALID', error: "parameter 'epochs' expects integer, got 'x'" }, 2);
} else if (mode === 'hang') {
  process.on('SIGTERM', () => {
    out({ state: 'CANCELED', error: 'cancelled: received SIGTERM', tasks: [
      { name: 'prepare-data', state: 'CANCELED', started_at: t0, finished_at: now() },
      { name: 'train-model', state: 'SKIPPED' },
    ] }, 1);
    process.exit();
  });
  // Written once the handler is in place: a terminate before it would just kill the process.
  fs.writeFileSync(path.join(root, 'ready'), String(process.pid));
  setInterval(() => {}, 1000);
}
`,
  );
  return file;
}
