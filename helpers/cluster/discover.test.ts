import { afterEach, describe, expect, it } from 'vitest';
import {
  createFakeKubectl,
  type FakeKubectl,
  type FakeKubectlScenario,
  type FakeService,
} from '../clients/kube/fake-kubectl/fake-kubectl.js';
import { httpGet, processExists, tcpConnect } from '../clients/kube/fake-kubectl/net-probes.js';
import { createKubectl, type Kubectl } from '../clients/kube/kubectl.js';
import { json, startHttpServer, type TestServer } from '../clients/test-server.js';
import { type ResolvedConfig, resolveConfig } from '../config/resolve.js';
import { retryUntil } from '../util/retry-until.js';
import { type ClusterAccessSession, openClusterAccess } from './discover.js';

const fakes: FakeKubectl[] = [];
const servers: TestServer[] = [];
const sessions: ClusterAccessSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const fake of fakes.splice(0)) fake.cleanup();
});

const SERVICE_PORTS: Record<string, FakeService['ports']> = {
  'ml-pipeline': [
    { name: 'http', port: 8888, targetPort: 8888 },
    { name: 'grpc', port: 8887, targetPort: 8887 },
  ],
  'ml-pipeline-ui': [{ name: 'http', port: 80, targetPort: 3000 }],
  'minio-service': [{ name: 'http', port: 9000, targetPort: 9000 }],
  mlflow: [{ port: 5000, targetPort: 5000 }],
  'fastapi-app': [{ port: 8000, targetPort: 8000 }],
  postgres: [{ port: 5432, targetPort: 5432 }],
};

/** A fake cluster whose every service is backed by a local HTTP server answering its own name. */
async function cluster(
  options: { omit?: string[]; override?: Record<string, FakeService>; scenario?: FakeKubectlScenario } = {},
): Promise<FakeKubectl> {
  const services: Record<string, FakeService> = {};
  for (const [name, ports] of Object.entries(SERVICE_PORTS)) {
    if (options.omit?.includes(name)) continue;
    const server = await startHttpServer((req, res) => json(res, 200, { service: name, path: req.url }));
    servers.push(server);
    services[`kubeflow/${name}`] = { ports, forward: { to: server.port }, ...options.override?.[name] };
  }
  const fake = createFakeKubectl({
    currentContext: 'minikube',
    serverVersion: 'v1.30.0',
    namespaces: ['kubeflow'],
    services,
    ...options.scenario,
  });
  fakes.push(fake);
  return fake;
}

function config(fake: FakeKubectl | undefined, env: Record<string, string> = {}): ResolvedConfig {
  return resolveConfig({
    env: { E2E_TARGET: 'cluster', ...(fake ? { KUBECTL: fake.executable } : {}), ...env },
  });
}

async function open(resolved: ResolvedConfig, extra: { kubectl?: Kubectl; reachabilityTimeoutMs?: number } = {}) {
  const lines: string[] = [];
  const pids: number[] = [];
  const session = await openClusterAccess(resolved, {
    log: (line) => lines.push(line),
    trackPid: (pid) => pids.push(pid),
    forwardReadyTimeoutMs: 5000,
    ...extra,
  });
  sessions.push(session);
  return { session, lines, pids };
}

/** The invocations without kubectl.ts's --request-timeout, for readable expectations. */
const commands = (fake: FakeKubectl) =>
  fake.invocations().map((argv) => argv.filter((a) => !a.startsWith('--request-timeout')).join(' '));

describe('openClusterAccess against the fake kubectl', () => {
  it('discovers every defaulted endpoint, forwards it, and feeds resolveConfig as source discovered', async () => {
    const fake = await cluster();
    const { session, lines, pids } = await open(config(fake));
    const { access, discovered } = session;

    expect(access.kube).toEqual({ status: 'reachable', context: 'minikube', serverVersion: 'v1.30.0' });
    expect(access.namespace).toEqual({ name: 'kubeflow', exists: true });
    expect(access.undiscovered).toEqual([]);
    expect(access.forwarded.map((f) => [f.key, f.service, f.namespace, f.remotePort, f.podPort])).toEqual([
      ['kfp.host', 'ml-pipeline', 'kubeflow', 8888, 8888],
      ['kfp.uiHost', 'ml-pipeline-ui', 'kubeflow', 80, 3000],
      ['minio.endpoint', 'minio-service', 'kubeflow', 9000, 9000],
      ['mlflow.trackingUri', 'mlflow', 'kubeflow', 5000, 5000],
      ['gateway.url', 'fastapi-app', 'kubeflow', 8000, 8000],
      ['postgres.host', 'postgres', 'kubeflow', 5432, 5432],
    ]);
    const local = Object.fromEntries(access.forwarded.map((f) => [f.service, f.localPort]));
    expect(discovered).toEqual({
      'kfp.host': `http://127.0.0.1:${local['ml-pipeline']}`,
      'kfp.uiHost': `http://127.0.0.1:${local['ml-pipeline-ui']}`,
      'minio.endpoint': `http://127.0.0.1:${local['minio-service']}`,
      'mlflow.trackingUri': `http://127.0.0.1:${local.mlflow}`,
      'gateway.url': `http://127.0.0.1:${local['fastapi-app']}`,
      'postgres.host': '127.0.0.1',
      'postgres.port': local.postgres,
    });

    // Each discovered URL really reaches its own service through its forward.
    for (const [key, service] of [
      ['kfp.host', 'ml-pipeline'],
      ['mlflow.trackingUri', 'mlflow'],
      ['gateway.url', 'fastapi-app'],
    ] as const) {
      const answer = await httpGet(`${discovered[key]}/probe`);
      expect(JSON.parse(answer.body)).toEqual({ service, path: '/probe' });
    }

    const final = resolveConfig({ env: { E2E_TARGET: 'cluster', KUBECTL: fake.executable }, discovered });
    for (const key of Object.keys(discovered)) expect(final.sources[key]).toBe('discovered');
    expect(final.config.kfp.host).toBe(discovered['kfp.host']);
    expect(final.config.postgres).toMatchObject({ host: '127.0.0.1', port: local.postgres });

    expect(commands(fake).slice(0, 3)).toEqual([
      'config current-context',
      'version -o json',
      'get namespace kubeflow -o json',
    ]);
    const rest = commands(fake).slice(3).sort();
    expect(rest).toEqual(
      [
        ...Object.keys(SERVICE_PORTS).map((name) => `get service ${name} -n kubeflow -o json`),
        'port-forward --address 127.0.0.1 service/ml-pipeline :8888 -n kubeflow',
        'port-forward --address 127.0.0.1 service/ml-pipeline-ui :80 -n kubeflow',
        'port-forward --address 127.0.0.1 service/minio-service :9000 -n kubeflow',
        'port-forward --address 127.0.0.1 service/mlflow :5000 -n kubeflow',
        'port-forward --address 127.0.0.1 service/fastapi-app :8000 -n kubeflow',
        'port-forward --address 127.0.0.1 service/postgres :5432 -n kubeflow',
      ].sort(),
    );
    expect(lines).toContain(`port-forward service/ml-pipeline 8888 -> 127.0.0.1:${local['ml-pipeline']} (kfp.host)`);

    // Every forward was handed to the reaper, and close() ends every one of them.
    expect(pids).toHaveLength(6);
    await session.close();
    for (const pid of pids) expect(processExists(pid)).toBe(false);
    for (const f of access.forwarded) expect(await tcpConnect(f.localPort)).toBe('ECONNREFUSED');
    expect(lines.at(-1)).toBe('closed 6 port-forwards');
    await session.close();
  });

  it('uses the configured context and service references on every call', async () => {
    const fake = await cluster({ scenario: { contexts: ['kind-e2e'] } });
    const { session } = await open(
      config(fake, {
        KUBE_CONTEXT: 'kind-e2e',
        KFP_HOST: 'http://kfp.example:8888',
        KFP_UI_HOST: 'http://kfp.example',
        MINIO_ENDPOINT: 'http://minio.example',
        GATEWAY_URL: 'http://gw.example',
        POSTGRES_HOST: 'db.example',
      }),
    );
    expect(session.access.kube).toMatchObject({ status: 'reachable', context: 'kind-e2e' });
    expect(session.access.forwarded.map((f) => f.key)).toEqual(['mlflow.trackingUri']);
    for (const argv of fake.invocations()) expect(argv.slice(0, 2)).toEqual(['--context', 'kind-e2e']);
    expect(commands(fake)).not.toContain('--context kind-e2e config current-context');
  });

  it('never touches what the user gave', async () => {
    const fake = await cluster();
    const resolved = config(fake, { KFP_HOST: 'http://kfp.example:8888', POSTGRES_HOST: 'db.example' });
    const { session } = await open(resolved);
    expect(session.access.forwarded.map((f) => f.key)).toEqual([
      'kfp.uiHost',
      'minio.endpoint',
      'mlflow.trackingUri',
      'gateway.url',
    ]);
    expect(Object.keys(session.discovered)).not.toContain('kfp.host');
    expect(Object.keys(session.discovered)).not.toContain('postgres.port');
    expect(commands(fake).join('\n')).not.toMatch(/ml-pipeline |service\/ml-pipeline |postgres/);

    const final = resolveConfig({
      env: { E2E_TARGET: 'cluster', KFP_HOST: 'http://kfp.example:8888', POSTGRES_HOST: 'db.example' },
      discovered: session.discovered,
    });
    expect(final.sources['kfp.host']).toBe('env');
    expect(final.config.kfp.host).toBe('http://kfp.example:8888');
    expect(final.sources['postgres.host']).toBe('env');
    expect(final.config.postgres.port).toBe(5432);
    expect(final.sources['mlflow.trackingUri']).toBe('discovered');
  });

  it('a missing service is an undiscovered entry with the reason; the others are forwarded', async () => {
    const fake = await cluster({ omit: ['mlflow'] });
    const { session, lines } = await open(config(fake));
    expect(session.access.undiscovered).toEqual([
      { key: 'mlflow.trackingUri', service: 'mlflow', reason: 'service mlflow not found in namespace kubeflow' },
    ]);
    expect(session.access.forwarded).toHaveLength(5);
    expect(session.discovered['mlflow.trackingUri']).toBeUndefined();
    expect(lines).toContain('not discovered: mlflow.trackingUri: service mlflow not found in namespace kubeflow');
    const final = resolveConfig({ env: { E2E_TARGET: 'cluster' }, discovered: session.discovered });
    expect(final.sources['mlflow.trackingUri']).toBe('default');
  });

  it('a service without a fitting port or with no running pod is undiscovered, with the reason', async () => {
    const fake = await cluster({
      override: {
        'minio-service': { ports: [{ name: 'console', port: 9001 }] },
        mlflow: {
          ports: [{ port: 5000 }],
          forward: { fail: 'error: unable to forward port because pod is not running' },
        },
      },
    });
    const { session } = await open(config(fake));
    expect(session.access.undiscovered).toEqual([
      {
        key: 'minio.endpoint',
        service: 'minio-service',
        reason:
          'service minio-service in namespace kubeflow has no port for minio (expected port 9000; has console:9001)',
      },
      {
        key: 'mlflow.trackingUri',
        service: 'mlflow',
        reason:
          'port-forward to service/mlflow (namespace kubeflow): kubectl exited with code 1 before forwarding: error: unable to forward port because pod is not running',
      },
    ]);
    expect(session.access.forwarded.map((f) => f.key)).toEqual([
      'kfp.host',
      'kfp.uiHost',
      'gateway.url',
      'postgres.host',
    ]);
  });

  it('a missing namespace: every service in it undiscovered, no service lookups', async () => {
    const fake = await cluster({ scenario: { namespaces: ['default'] } });
    const { session } = await open(config(fake));
    expect(session.access.namespace).toEqual({ name: 'kubeflow', exists: false });
    expect(session.access.forwarded).toEqual([]);
    expect(session.access.undiscovered.map((u) => u.reason)).toEqual(Array(6).fill('namespace kubeflow not found'));
    expect(commands(fake).some((c) => c.startsWith('get service') || c.startsWith('port-forward'))).toBe(false);
  });

  it('a namespace kubectl may not read: the error is kept and the services are looked up anyway', async () => {
    const forbidden =
      'Error from server (Forbidden): namespaces "kubeflow" is forbidden: User "dev" cannot get resource';
    const fake = await cluster({ scenario: { namespaceError: forbidden } });
    const { session } = await open(config(fake));
    expect(session.access.namespace).toEqual({ name: 'kubeflow', exists: true, error: forbidden });
    expect(session.access.forwarded).toHaveLength(6);
  });

  it('a forward that dies later is marked down on its endpoint and logged', async () => {
    const fake = await cluster({ override: { mlflow: { forward: { to: 1, die: 'on-connection' } } } });
    const { session, lines } = await open(config(fake));
    const mlflow = session.access.forwarded.find((f) => f.key === 'mlflow.trackingUri');
    expect(mlflow?.down).toBeUndefined();
    await expect(httpGet(`${session.discovered['mlflow.trackingUri']}/`)).rejects.toThrow();
    const reason = await waitFor(() => lines.find((l) => /is down/.test(l)), 'a "down" log line');
    expect(reason).toMatch(
      /^port-forward to service\/mlflow \(namespace kubeflow\) is down: kubectl exited with code 1: /,
    );
    expect(mlflow?.down).toBe(reason);
    expect(session.access.forwarded.filter((f) => f.down)).toHaveLength(1);
  });

  it('an unexpected error midway closes every forward already opened, then throws', async () => {
    const fake = await cluster();
    const real = createKubectl({ executable: fake.executable, timeoutMs: 5000 });
    const broken: Kubectl = {
      command: real.command,
      run: async (args, options) => {
        if (args.includes('mlflow')) {
          // Let the other lookups win the race, so forwards are open when this throws.
          await waitFor(() => commands(fake).find((c) => c.includes('service/postgres')), 'the postgres forward');
          throw new TypeError('bug in the caller');
        }
        return real.run(args, options);
      },
    };
    const pids: number[] = [];
    await expect(
      openClusterAccess(config(fake), { log: () => {}, kubectl: broken, trackPid: (pid) => pids.push(pid) }),
    ).rejects.toThrow('bug in the caller');
    expect(pids.length).toBeGreaterThanOrEqual(1);
    for (const pid of pids) expect(processExists(pid)).toBe(false);
  });
});

describe('openClusterAccess without a usable cluster', () => {
  it('kubectl not found: unreachable with the reason, fast, nothing thrown', async () => {
    const started = Date.now();
    const { session } = await open(config(undefined, { KUBECTL: '/nonexistent/kubectl' }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(session.access.kube).toEqual({
      status: 'unreachable',
      reason: 'kubectl not found at /nonexistent/kubectl',
    });
    expect(session.access.undiscovered).toHaveLength(6);
    expect(session.access.undiscovered[0]?.reason).toBe(
      'no reachable cluster: kubectl not found at /nonexistent/kubectl',
    );
    expect(session.discovered).toEqual({});
  });

  it('no current context: unreachable, saying so', async () => {
    const fake = await cluster({ scenario: { currentContext: undefined } });
    const { session } = await open(config(fake));
    expect(session.access.kube).toEqual({
      status: 'unreachable',
      reason: 'no current kube context: error: current-context is not set',
    });
    expect(commands(fake)).toEqual(['config current-context']);
  });

  it('a hanging kubectl: unreachable within the default bound (< 5 s), nothing forwarded', async () => {
    const fake = await cluster({ scenario: { hang: ['version'] } });
    const started = Date.now();
    const { session, lines } = await open(config(fake));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5000);
    expect(session.access.kube).toEqual({
      status: 'unreachable',
      reason: 'API server of context minikube did not answer within 4 s',
    });
    expect(commands(fake)).toEqual(['config current-context', 'version -o json']);
    expect(lines).toEqual([
      'cluster discovery: no kube context to discover in: API server of context minikube did not answer within 4 s',
    ]);
  }, 10_000);

  it('discovery off: not-used, no kubectl call at all', async () => {
    const fake = await cluster();
    const { session, lines } = await open(config(fake, { E2E_DISCOVERY: 'off' }));
    expect(session.access).toEqual({
      kube: { status: 'not-used', reason: 'discovery is off (cluster.discovery from env)' },
      forwarded: [],
      undiscovered: [],
    });
    expect(fake.invocations()).toEqual([]);
    expect(lines).toEqual(['cluster discovery not used: discovery is off (cluster.discovery from env)']);
  });

  it('every endpoint given: not-used, no kubectl call at all', async () => {
    const fake = await cluster();
    const { session } = await open(
      config(fake, {
        KFP_HOST: 'http://a:1',
        KFP_UI_HOST: 'http://a:2',
        MINIO_ENDPOINT: 'http://a:3',
        MLFLOW_TRACKING_URI: 'http://a:4',
        GATEWAY_URL: 'http://a:5',
        POSTGRES_HOST: 'db',
      }),
    );
    expect(session.access.kube).toMatchObject({ status: 'not-used', reason: expect.stringMatching(/every endpoint/) });
    expect(fake.invocations()).toEqual([]);
  });

  it('the local target: not-used', async () => {
    const { session } = await open(resolveConfig({ env: {} }));
    expect(session.access.kube).toEqual({ status: 'not-used', reason: 'target is local: nothing to discover' });
  });
});

/** Polls until `read` returns something (no fixed sleep). */
function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  return retryUntil(
    async () => read(),
    (value) => value !== undefined,
    (elapsed) => `${what}: not there after ${elapsed} ms`,
    { timeoutMs: 5000, intervalMs: 10, maxIntervalMs: 100 },
  ) as Promise<T>;
}
