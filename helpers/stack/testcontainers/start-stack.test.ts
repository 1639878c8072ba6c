import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../config/mask.js';
import type { StackSpec } from '../provider.js';
import { StackStartError } from '../stack-start-error.js';
import type { ContainerDefinition, ContainerService } from './container-definition.js';
import type { ContainerLog } from './container-log.js';
import { DEFAULT_IMAGES } from './images.js';
import { ContainerStartError, type RunningContainer, type RunningNetwork, type StackRuntime } from './stack-runtime.js';
import { startStack } from './start-stack.js';
import { TEST_SECRETS, testSpec } from './test-spec.js';

/**
 * The start sequence against a fake engine (no Docker here) and real HTTP servers standing in
 * for MinIO's S3 API and MLflow's REST API, so bucket creation and the API probe really run.
 */

interface Failure {
  error: Error;
  /** Printed by the "container" before it fails. */
  output?: string;
}

class FakeRuntime implements StackRuntime {
  readonly events: string[];
  readonly stopped: string[] = [];
  readonly definitions: Partial<Record<ContainerService, ContainerDefinition>> = {};
  failures: Partial<Record<ContainerService, Failure>> = {};
  hostError: Error | undefined;

  constructor(
    events: string[],
    readonly ports: Record<ContainerService, number>,
  ) {
    this.events = events;
  }

  async host(): Promise<string> {
    if (this.hostError) throw this.hostError;
    return 'localhost';
  }

  async startNetwork(): Promise<RunningNetwork> {
    this.events.push('network');
    return {
      name: 'kfp-e2e-net',
      stop: async () => {
        this.stopped.push('network');
      },
    };
  }

  async start(definition: ContainerDefinition, network: RunningNetwork, log: ContainerLog): Promise<RunningContainer> {
    const service = definition.service;
    this.events.push(`start:${service}@${network.name}`);
    this.definitions[service] = definition;
    // Yield, as a real start does, so that starts meant to overlap can overlap.
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.failures[service];
    log.push(failure?.output ?? `${service} says hello\n`);
    if (failure) throw failure.error;
    this.events.push(`ready:${service}`);
    return {
      id: `id-${service}`,
      mappedPort: (port) => {
        if (port !== definition.port) throw new Error(`${service} does not expose ${port}`);
        return this.ports[service];
      },
      stop: async () => {
        this.stopped.push(service);
      },
    };
  }
}

const servers: Server[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Path-style S3: HEAD /bucket answers 404 until PUT /bucket created it. */
async function fakeS3(events: string[], options: { existing?: string[]; refuse?: boolean } = {}): Promise<number> {
  const buckets = new Set(options.existing ?? []);
  return listen((req, res) => {
    const bucket = decodeURIComponent((req.url ?? '/').split('?')[0]?.slice(1).replace(/\/$/, '') ?? '');
    if (options.refuse) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>');
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(buckets.has(bucket) ? 200 : 404).end();
    } else if (req.method === 'PUT') {
      buckets.add(bucket);
      events.push(`bucket:${bucket}`);
      req.resume();
      res.writeHead(200).end();
    } else {
      res.writeHead(405).end();
    }
  });
}

async function fakeMlflow(events: string[], status = 200): Promise<number> {
  return listen((req, res) => {
    req.resume();
    if (req.method === 'POST' && req.url === '/api/2.0/mlflow/experiments/search') {
      events.push('mlflow-api');
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(status === 200 ? '{"experiments":[]}' : '{"error_code":"INTERNAL_ERROR"}');
    } else {
      res.writeHead(404).end();
    }
  });
}

let workDir: string;
let logLines: string[];
let events: string[];

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tc-stack-'));
  logLines = [];
  events = [];
});

afterEach(async () => {
  clearRegisteredSecrets();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(workDir, { recursive: true, force: true });
});

function spec(): StackSpec {
  return testSpec({ workDir, log: (line) => logLines.push(line) });
}

async function setup(options: { existing?: string[]; refuse?: boolean; mlflowStatus?: number } = {}) {
  const runtime = new FakeRuntime(events, {
    postgres: 15432,
    minio: await fakeS3(events, options),
    mlflow: await fakeMlflow(events, options.mlflowStatus),
  });
  return runtime;
}

const fast = { bucketTimeoutMs: 400, mlflowApiTimeoutMs: 400, requestTimeoutMs: 300 };

async function startError(promise: Promise<unknown>): Promise<StackStartError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StackStartError);
  return error as StackStartError;
}

describe('startStack', () => {
  it('starts PostgreSQL and MinIO together, then the buckets, then MLflow', async () => {
    const runtime = await setup();
    const stack = await startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast });
    const at = (event: string) => events.indexOf(event);
    expect(at('network')).toBe(0);
    // Both started before either was ready: in parallel.
    expect(Math.max(at('start:postgres@kfp-e2e-net'), at('start:minio@kfp-e2e-net'))).toBeLessThan(
      Math.min(at('ready:postgres'), at('ready:minio')),
    );
    const bucketEvents = events.filter((e) => e.startsWith('bucket:'));
    expect(Math.min(...bucketEvents.map(at))).toBeGreaterThan(at('ready:minio'));
    expect(Math.max(...bucketEvents.map(at))).toBeLessThan(at('start:mlflow@kfp-e2e-net'));
    expect(at('mlflow-api')).toBeGreaterThan(at('ready:mlflow'));
    await stack.stop();
  });

  it('creates every bucket of the spec and leaves existing ones alone', async () => {
    const runtime = await setup({ existing: ['models'] });
    const stack = await startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast });
    const created = events.filter((e) => e.startsWith('bucket:')).map((e) => e.slice('bucket:'.length));
    expect(created.sort()).toEqual(['mlflow-artifacts', 'mlpipeline', 'predictions', 'processed-data', 'raw-data']);
    await stack.stop();
  });

  it('hands the runtime the definitions built from the spec', async () => {
    const runtime = await setup();
    const stack = await startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast });
    expect(runtime.definitions.postgres?.image).toBe(DEFAULT_IMAGES.postgres);
    expect(runtime.definitions.minio?.image).toBe(DEFAULT_IMAGES.minio);
    expect(runtime.definitions.mlflow?.command).toContain('s3://mlflow-artifacts/');
    await stack.stop();
  });

  it('yields the local preset values and the services, as seen from this machine', async () => {
    const runtime = await setup();
    const stack = await startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast });
    const { minio: minioPort, mlflow: mlflowPort } = runtime.ports;
    expect(stack.provider).toBe('testcontainers');
    expect(stack.values).toEqual({
      'minio.endpoint': `http://127.0.0.1:${minioPort}`,
      'minio.accessKey': 'access-7Qz',
      'minio.secretKey': 'minio-s3cret-9Xk',
      'minio.region': 'us-east-1',
      'mlflow.trackingUri': `http://127.0.0.1:${mlflowPort}`,
      'postgres.host': '127.0.0.1',
      'postgres.port': 15432,
      'postgres.database': 'trackingdb',
      'postgres.user': 'tracker',
      'postgres.password': 'pg-s3cret-4Wm',
    });
    expect(stack.services.map((s) => [s.name, s.endpoint])).toEqual([
      ['postgres', '127.0.0.1:15432'],
      ['minio', `http://127.0.0.1:${minioPort}`],
      ['mlflow', `http://127.0.0.1:${mlflowPort}`],
    ]);
    for (const service of stack.services) {
      expect(service.logFile).toBe(join(workDir, `${service.name}.log`));
      expect(readFileSync(service.logFile as string, 'utf8')).toBe(`${service.name} says hello\n`);
      expect(service.startMs).toBeGreaterThanOrEqual(0);
    }
    await stack.stop();
  });

  it('stop() stops MLflow first, then its stores, then the network, and is callable twice', async () => {
    const runtime = await setup();
    const stack = await startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast });
    await Promise.all([stack.stop(), stack.stop()]);
    await stack.stop();
    expect(runtime.stopped[0]).toBe('mlflow');
    expect(runtime.stopped.slice(1, 3).sort()).toEqual(['minio', 'postgres']);
    expect(runtime.stopped[3]).toBe('network');
    expect(runtime.stopped).toHaveLength(4);
  });

  it('never writes a credential into a progress line', async () => {
    const runtime = await setup();
    const stack = await startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast });
    await stack.stop();
    expect(logLines.some((line) => line.startsWith('mlflow ready in'))).toBe(true);
    for (const line of logLines) for (const secret of TEST_SECRETS) expect(line).not.toContain(secret);
  });
});

describe('startStack failures', () => {
  it('names the service, shows the tail of its log (masked), says what to try, and stops what started', async () => {
    const runtime = await setup();
    runtime.failures.minio = {
      error: new ContainerStartError('start', 'URL /minio/health/ready not accessible after 60000ms'),
      output: 'MINIO_ROOT_PASSWORD=minio-s3cret-9Xk\nERROR Unable to use the drive /data: permission denied\n',
    };
    const error = await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    expect(error.service).toBe('minio');
    expect(error.message).toContain(
      `minio did not start: ${DEFAULT_IMAGES.minio}: URL /minio/health/ready not accessible`,
    );
    expect(error.message).toContain('ERROR Unable to use the drive /data: permission denied');
    expect(error.message).toContain('E2E_MINIO_IMAGE');
    expect(error.message).toContain('STACK=native');
    for (const secret of TEST_SECRETS) expect(error.message).not.toContain(secret);
    expect(runtime.stopped.sort()).toEqual(['network', 'postgres']);
    expect(events.some((e) => e.startsWith('start:mlflow'))).toBe(false);
  });

  it('points at the Dockerfile when the MLflow image does not build', async () => {
    const runtime = await setup();
    runtime.failures.mlflow = {
      error: new ContainerStartError(
        'build',
        'building localhost/kfp-e2e-mlflow:abc failed: pip: no matching distribution',
      ),
    };
    const error = await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    expect(error.service).toBe('mlflow');
    expect(error.message).toContain('no matching distribution');
    expect(error.hint).toContain('helpers/stack/testcontainers/mlflow/Dockerfile');
    expect(runtime.stopped.sort()).toEqual(['minio', 'network', 'postgres']);
  });

  it('reports PostgreSQL when both stores fail, and mentions MinIO', async () => {
    const runtime = await setup();
    runtime.failures.postgres = { error: new ContainerStartError('start', 'pull access denied for postgres') };
    runtime.failures.minio = { error: new ContainerStartError('start', 'pull access denied for minio') };
    const error = await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    expect(error.service).toBe('postgres');
    expect(logLines).toContain(`minio did not start: ${DEFAULT_IMAGES.minio}: pull access denied for minio`);
    expect(runtime.stopped).toEqual(['network']);
  });

  it('says the container runtime is missing when it cannot be reached', async () => {
    const runtime = await setup();
    runtime.hostError = new Error('Could not find a working container runtime strategy');
    const error = await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    expect(error.service).toBe('container runtime');
    expect(error.message).toContain('Could not find a working container runtime strategy');
    expect(error.hint).toContain('STACK=native');
    expect(events).toEqual([]);
  });

  it('fails on MinIO, within the bucket deadline, when the buckets are refused', async () => {
    const runtime = await setup({ refuse: true });
    const started = performance.now();
    const error = await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.service).toBe('minio');
    expect(error.message).toMatch(
      /buckets raw-data, .*mlpipeline at http:\/\/127\.0\.0\.1:\d+: not created within \d+ ms/,
    );
    // HeadBucket answers without a body: the refusal shows as its status.
    expect(error.message).toMatch(/Access Denied|HTTP 403/);
    expect(error.hint).toContain('MINIO_ACCESS_KEY');
    expect(runtime.stopped.sort()).toEqual(['minio', 'network', 'postgres']);
  });

  it('fails on MLflow when its API does not answer through the store', async () => {
    const runtime = await setup({ mlflowStatus: 500 });
    const error = await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    expect(error.service).toBe('mlflow');
    expect(error.message).toMatch(/experiments\/search did not answer 200 within \d+ ms \(last: HTTP 500/);
    expect(error.message).toContain('mlflow says hello');
    expect(runtime.stopped[0]).toBe('mlflow');
    expect(runtime.stopped).toHaveLength(4);
  });

  it('keeps the full, masked container logs in the work directory', async () => {
    const runtime = await setup();
    runtime.failures.postgres = {
      error: new ContainerStartError('start', 'Container exited'),
      output: 'FATAL: password "pg-s3cret-4Wm" rejected\n',
    };
    await startError(startStack(spec(), { runtime, images: DEFAULT_IMAGES, ...fast }));
    const file = join(workDir, 'postgres.log');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('FATAL: password "***" rejected\n');
  });
});
