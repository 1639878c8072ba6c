import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type pg from 'pg';
import { isSecretName, maskText, registerSecret } from '../../config/mask.js';
import type { ApiServices } from './api-services.js';
import { type DatabaseSettings, openDatabase } from './database.js';
import { experimentRoutes } from './experiment-routes.js';
import { ExperimentStore } from './experiment-store.js';
import { GrpcCode, gatewayErrorBody, toApiError, uploadErrorBody } from './grpc-status.js';
import { pipelineRoutes } from './pipeline-routes.js';
import { PipelineStore } from './pipeline-store.js';
import { Router } from './router.js';
import { RunExecutor } from './run-executor.js';
import { runRoutes } from './run-routes.js';
import { RunStore } from './run-store.js';
import { uploadRoutes } from './upload-routes.js';

/**
 * The local stack's KFP-compatible API: the v2beta1 REST endpoints a client uses, with the KFP
 * server's conventions (proto field names, defaults left out, RFC 3339 timestamps, enum names,
 * grpc-gateway error bodies, single-user mode), stored in PostgreSQL, runs executed one at a
 * time by the Python local runner. Handler errors become error responses; nothing a request
 * does can crash the process.
 */

export interface LocalKfpApiOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  database: DatabaseSettings;
  /** The suite's configuration as environment variables (`toEnv(config)`), for the runner and its tasks. */
  runnerEnv: Record<string, string>;
  /** The checkout: the runner is `<projectRoot>/.stack/venv/bin/python -m poblesec.local_runner`. */
  projectRoot: string;
  /** Per-run folders go here (`runs/<run_id>`): package, pipeline root, runner log. */
  workDir: string;
  log: (line: string) => void;
  /** Another runner executable (tests); it gets the same arguments after `args`. */
  runner?: { command: string; args: string[]; cwd?: string };
  /** How long a terminated runner gets before its process group is killed (default 10 s). */
  terminateGraceMs?: number;
}

export interface LocalKfpApi {
  /** `http://host:port`, the value for KFP_HOST. */
  url: string;
  /** Terminates a running run, closes the HTTP server and the database pool. Idempotent. */
  stop(): Promise<void>;
}

/** Single-user healthz, as the KFP server's own handler writes it. */
const HEALTHZ = { multi_user: false, pipeline_store: 'database' };

export async function startLocalKfpApi(options: LocalKfpApiOptions): Promise<LocalKfpApi> {
  for (const [key, value] of Object.entries(options.runnerEnv)) if (isSecretName(key)) registerSecret(value);
  const log = (line: string) => options.log(maskText(line));
  const pool = await openDatabase(options.database, log);
  let executor: RunExecutor | undefined;
  let server: Server | undefined;
  try {
    const runs = new RunStore(pool);
    executor = new RunExecutor({
      store: runs,
      workDir: options.workDir,
      log,
      terminateGraceMs: options.terminateGraceMs,
      runner: {
        command: options.runner?.command ?? join(options.projectRoot, '.stack', 'venv', 'bin', 'python'),
        args: options.runner?.args ?? ['-m', 'poblesec.local_runner'],
        cwd: options.runner?.cwd ?? join(options.projectRoot, 'fixtures', 'poblesec'),
        env: { ...definedEnv(process.env), ...options.runnerEnv },
      },
    });
    const services: ApiServices = {
      pipelines: new PipelineStore(pool),
      experiments: new ExperimentStore(pool),
      runs,
      executor,
    };
    await services.experiments.defaultExperiment();
    const router = new Router([
      { method: 'GET', path: '/apis/v2beta1/healthz', handler: async () => HEALTHZ },
      ...uploadRoutes(services),
      ...pipelineRoutes(services),
      ...experimentRoutes(services),
      ...runRoutes(services),
    ]);
    server = createServer((req, res) => {
      handle(router, req, res, log).catch((error: Error) => {
        log(`kfp-api: could not answer ${req.method} ${req.url}: ${error.message}`);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await executor.recover();
    const url = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
    log(
      `kfp-api: listening on ${url} (database ${options.database.database} on ${options.database.host}:${options.database.port})`,
    );
    let stopping: Promise<void> | undefined;
    const running = { server, executor };
    return {
      url,
      stop: () => {
        stopping ??= shutdown(running.server, running.executor, pool);
        return stopping;
      },
    };
  } catch (error) {
    await shutdown(server, executor, pool);
    throw error;
  }
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse, log: (line: string) => void) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = router.match(req.method ?? 'GET', url.pathname);
  // Routing errors: grpc-gateway (v1) answers them in plain text.
  if (match.kind === 'not-found') return sendText(res, 404, 'Not Found');
  if (match.kind === 'method-not-allowed') return sendText(res, 405, 'Method Not Allowed');
  try {
    const body = await match.route.handler({ req, params: match.params, query: url.searchParams });
    sendJson(res, 200, body);
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.code === GrpcCode.INTERNAL) log(`kfp-api: ${req.method} ${url.pathname}: ${apiError.message}`);
    const body = match.route.errorStyle === 'upload' ? uploadErrorBody(apiError) : gatewayErrorBody(apiError);
    // A body not read to its end (refused as too large) cannot be followed by another request.
    if (!req.readableEnded) res.setHeader('connection', 'close');
    sendJson(res, apiError.httpStatus, body);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) + 1 });
  res.end(`${text}\n`);
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}

async function shutdown(server: Server | undefined, executor: RunExecutor | undefined, pool: pg.Pool): Promise<void> {
  await executor?.stop();
  if (server?.listening) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
  await pool.end().catch(() => {});
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
