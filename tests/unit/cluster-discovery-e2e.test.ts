import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFakeKubectl,
  FAKE_KUBECTL_SCRIPT,
  type FakeKubectl,
  type FakeKubectlScenario,
  type FakeService,
} from '../../helpers/clients/kube/fake-kubectl/fake-kubectl.js';
import { findKey } from '../../helpers/config/keys.js';
import { resolveConfig } from '../../helpers/config/resolve.js';
import type { Config } from '../../helpers/config/schema.js';
import { acquireLocalStack, type LocalStackHandle } from '../../helpers/stack/lifecycle.js';
import { nativeAvailability } from '../../helpers/stack/native/native-provider.js';
import { runE2eProject } from './e2e-child/run-e2e-project.js';

/**
 * `npm run test:cluster` with no endpoint given: every service is found through kubectl and reached
 * through a port-forward the suite opens and closes. No cluster here, so "kubectl" is the suite's
 * fake (helpers/clients/kube/fake-kubectl): it answers the discovery calls and its port-forwards
 * are real TCP forwards — to a real local stack, so all four stages run for real through them.
 */
const port = (url: string) => Number(new URL(url).port);
const ENDPOINT_ENVS = [
  'KFP_HOST',
  'KFP_UI_HOST',
  'MINIO_ENDPOINT',
  'MLFLOW_TRACKING_URI',
  'GATEWAY_URL',
  'POSTGRES_HOST',
  'POSTGRES_PORT',
];

// Needs the native servers, which `npm run setup` builds where no container runtime answers (or with
// SETUP_NATIVE=1); on the testcontainers path they are absent. CI has them and fails on any skipped unit test.
describe.skipIf(!nativeAvailability().available)('cluster target: discovery and port-forwards through kubectl', () => {
  const reports = mkdtempSync(join(tmpdir(), 'kfp-e2e-discovery-'));
  let handle: LocalStackHandle | undefined;
  let kubectl: FakeKubectl | undefined;
  let stack: Config;
  let scenario: FakeKubectlScenario = {};

  beforeAll(async () => {
    const defaults = resolveConfig({ env: {}, preset: 'local' }).config;
    handle = await acquireLocalStack(defaults, { persistent: false, log: () => {} });
    stack = resolveConfig({ env: {}, preset: 'local', stack: handle.stack.values }).config;
    const service = (remotePort: number, to: number): FakeService => ({
      ports: [{ name: 'http', port: remotePort, targetPort: remotePort }],
      forward: { to },
    });
    scenario = {
      currentContext: 'minikube',
      serverVersion: 'v1.34.0',
      namespaces: ['kubeflow'],
      services: {
        'kubeflow/ml-pipeline': service(8888, port(stack.kfp.host ?? '')),
        'kubeflow/minio-service': service(9000, port(stack.minio.endpoint)),
        'kubeflow/mlflow': service(5000, port(stack.mlflow.trackingUri)),
        'kubeflow/fastapi-app': service(8000, port(stack.gateway.url ?? '')),
        'kubeflow/postgres': { ports: [{ port: 5432 }], forward: { to: stack.postgres.port } },
      },
    };
    kubectl = createFakeKubectl(scenario);
  }, 180_000);

  afterAll(async () => {
    await handle?.release();
    kubectl?.cleanup();
    rmSync(reports, { recursive: true, force: true });
  });

  /** The E2E project as `npm run test:cluster` runs it: credentials given, no endpoint, kubectl = the stand-in. */
  function runClusterSuite() {
    // Only the credentials are given, as a user with the cluster's secrets would; no endpoint.
    const credentials: Record<string, string> = {};
    for (const path of [
      'minio.accessKey',
      'minio.secretKey',
      'postgres.user',
      'postgres.password',
      'postgres.database',
    ]) {
      const value = handle?.stack.values[path];
      if (value !== undefined) credentials[findKey(path)?.env ?? ''] = String(value);
    }
    const result = runE2eProject(
      { ...credentials, E2E_TARGET: 'cluster', KUBECTL: kubectl?.executable ?? 'kubectl' },
      reports,
      280_000,
    );
    for (const name of ENDPOINT_ENVS) expect(result.env[name]).toBeUndefined();
    return result;
  }

  it('runs every stage through the forwards, reports the endpoints as discovered and closes every forward', {
    timeout: 300_000,
  }, () => {
    const { run, report } = runClusterSuite();
    const notPassed = report.checks
      .filter((c) => c.status !== 'passed')
      .map((c) => `${c.id} ${c.status}: ${c.error ?? c.reason}`);
    expect(run.status, `${notPassed.join('\n')}\n${run.stderr.slice(-2000)}`).toBe(0);
    expect(report.target).toBe('cluster');
    for (const key of [
      'kfp.host',
      'minio.endpoint',
      'mlflow.trackingUri',
      'gateway.url',
      'postgres.host',
      'postgres.port',
    ]) {
      expect(report.environment.sources[key], key).toBe('discovered');
    }
    // Every stage ran; the only skip allowed is the registry lookup this machine cannot make.
    expect(notPassed.filter((line) => !line.startsWith('preflight.images.reachable skipped'))).toEqual([]);
    for (const stage of ['preflight', 'infrastructure', 'submission', 'contract'] as const) {
      expect(
        report.checks.some((c) => c.stage === stage && c.status === 'passed'),
        stage,
      ).toBe(true);
    }
    const context = report.checks.find((c) => c.id === 'preflight.cluster.kube-context');
    expect(context?.evidence).toMatchObject({ context: 'minikube', serverVersion: 'v1.34.0' });
    expect(run.stderr).toContain('port-forward service/ml-pipeline 8888 -> 127.0.0.1:');

    // The forwards were kubectl processes of their own: none may outlive the run.
    const invocations = kubectl?.invocations() ?? [];
    expect(invocations.filter((argv) => argv.includes('port-forward')).length).toBeGreaterThanOrEqual(5);
    let alive = '';
    try {
      alive = execFileSync('pgrep', ['-af', FAKE_KUBECTL_SCRIPT], { encoding: 'utf8' });
    } catch {
      // pgrep exits 1 when nothing matches: that is the expected outcome.
    }
    expect(alive).toBe('');
  });

  it('a forward that dies mid-run fails infrastructure.stack.started naming the service, and later stages skip', {
    timeout: 300_000,
  }, () => {
    if (!scenario.services) throw new Error('no scenario');
    const mlflow = scenario.services['kubeflow/mlflow'];
    kubectl?.setScenario({
      ...scenario,
      services: {
        ...scenario.services,
        'kubeflow/mlflow': { ...mlflow, forward: { ...mlflow?.forward, die: 'on-connection' } },
      },
    });
    const { run, report } = runClusterSuite();
    expect(run.status).toBe(1);
    const started = report.checks.find((c) => c.id === 'infrastructure.stack.started');
    expect(started?.status).toBe('failed');
    expect(started?.error).toContain('port-forward to service/mlflow (mlflow.trackingUri) is down');
    expect(started?.hint).toContain('kubectl -n kubeflow get pods,endpoints');
    const later = report.checks.filter((c) => c.stage === 'submission' || c.stage === 'contract');
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((c) => c.status !== 'skipped').map((c) => c.id)).toEqual([]);
  });
});
