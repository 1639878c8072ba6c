import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKfp, startFakeKfp } from '../../../clients/kfp/fake-kfp.js';
import type { ClusterAccess } from '../../../cluster/cluster-access.js';
import { resolveConfig } from '../../../config/resolve.js';
import { PROJECT_ROOT } from '../../../stack/project-paths.js';
import { runCheck } from '../../check.js';
import { clusterEndpoints } from './cluster-endpoints.js';
import type { ClusterPreflightContext } from './context.js';
import { imagesReachable } from './images-reachable.js';
import { kfpServer } from './kfp-server.js';
import { kubeContext } from './kube-context.js';

const UNREACHABLE: ClusterAccess = {
  kube: { status: 'unreachable', reason: 'kubectl: not found on PATH' },
  forwarded: [],
  undiscovered: [],
};

/** A context as the spec builds it, for the given environment (no config file, no flags). */
function contextFor(env: NodeJS.ProcessEnv, cluster: ClusterAccess | undefined, inCluster = false) {
  const resolved = resolveConfig({ env });
  return {
    config: resolved.config,
    sources: resolved.sources,
    cluster,
    packagePath: resolved.config.pipeline.package,
    projectRoot: PROJECT_ROOT,
    inCluster,
  } satisfies ClusterPreflightContext;
}

const GIVEN = {
  E2E_TARGET: 'cluster',
  KFP_HOST: 'http://127.0.0.1:1',
  MINIO_ENDPOINT: 'http://127.0.0.1:2',
  MLFLOW_TRACKING_URI: 'http://127.0.0.1:3',
  GATEWAY_URL: 'http://127.0.0.1:4',
  POSTGRES_HOST: '127.0.0.1',
};

describe('preflight.cluster.endpoints', () => {
  it('skips for the local target', async () => {
    const result = await runCheck(clusterEndpoints, contextFor({}, undefined));
    expect(result.status).toBe('skipped');
  });

  it('fails with one message naming every missing key, why discovery could not help, and what to set', async () => {
    const result = await runCheck(clusterEndpoints, contextFor({ E2E_TARGET: 'cluster' }, UNREACHABLE));
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'target cluster, but kfp.host, minio.endpoint, mlflow.trackingUri, gateway.url, postgres.host are not set and no cluster reachable to discover them (kubectl: not found on PATH)',
    );
    expect(result.hint).toContain('minikube start');
    expect(result.hint).toContain('KFP_HOST, MINIO_ENDPOINT, MLFLOW_TRACKING_URI, GATEWAY_URL, POSTGRES_HOST');
  });

  it('names the services discovery did not find', async () => {
    const access: ClusterAccess = {
      kube: { status: 'reachable', context: 'minikube' },
      forwarded: [],
      undiscovered: [
        { key: 'gateway.url', service: 'fastapi-app', reason: 'service fastapi-app not found in namespace kubeflow' },
      ],
    };
    const { GATEWAY_URL: _, ...rest } = GIVEN;
    const result = await runCheck(clusterEndpoints, contextFor(rest, access));
    expect(result.status).toBe('failed');
    expect(result.error).toContain('gateway.url is not set');
    expect(result.error).toContain('service fastapi-app not found in namespace kubeflow');
  });

  it('passes when every endpoint is given, discovered, or the suite runs inside a pod', async () => {
    expect((await runCheck(clusterEndpoints, contextFor(GIVEN, undefined))).status).toBe('passed');
    expect((await runCheck(clusterEndpoints, contextFor({ E2E_TARGET: 'cluster' }, UNREACHABLE, true))).status).toBe(
      'passed',
    );
    const discovered = resolveConfig({
      env: { E2E_TARGET: 'cluster' },
      discovered: {
        'kfp.host': 'http://127.0.0.1:5',
        'minio.endpoint': 'http://127.0.0.1:6',
        'mlflow.trackingUri': 'http://127.0.0.1:7',
        'gateway.url': 'http://127.0.0.1:8',
        'postgres.host': '127.0.0.1',
      },
    });
    const result = await runCheck(clusterEndpoints, {
      ...contextFor(
        { E2E_TARGET: 'cluster' },
        { kube: { status: 'reachable', context: 'minikube' }, forwarded: [], undiscovered: [] },
      ),
      config: discovered.config,
      sources: discovered.sources,
    });
    expect(result.status).toBe('passed');
    expect(result.evidence.sources).toMatchObject({ 'kfp.host': 'discovered' });
  });
});

describe('preflight.cluster.kube-context', () => {
  it('skips when no context is needed or when the endpoints check already failed, so there is one message', async () => {
    const notUsed = await runCheck(
      kubeContext,
      contextFor(GIVEN, {
        kube: { status: 'not-used', reason: 'every endpoint given' },
        forwarded: [],
        undiscovered: [],
      }),
    );
    expect(notUsed).toMatchObject({ status: 'skipped', reason: 'no kube context needed: every endpoint given' });
    const blocked = await runCheck(kubeContext, contextFor({ E2E_TARGET: 'cluster' }, UNREACHABLE));
    expect(blocked.status).toBe('skipped');
    expect(blocked.reason).toContain('requires preflight.cluster.endpoints');
  });

  it('fails when the namespace does not exist and passes with context and version when it does', async () => {
    const missing = await runCheck(
      kubeContext,
      contextFor(GIVEN, {
        kube: { status: 'reachable', context: 'minikube', serverVersion: 'v1.34.0' },
        namespace: { name: 'kubeflow', exists: false },
        forwarded: [],
        undiscovered: [],
      }),
    );
    expect(missing.status).toBe('failed');
    expect(missing.error).toBe('namespace kubeflow not found in kube context minikube');
    const ok = await runCheck(
      kubeContext,
      contextFor(GIVEN, {
        kube: { status: 'reachable', context: 'minikube', serverVersion: 'v1.34.0' },
        namespace: { name: 'kubeflow', exists: true },
        forwarded: [],
        undiscovered: [],
      }),
    );
    expect(ok).toMatchObject({ status: 'passed', evidence: { context: 'minikube', serverVersion: 'v1.34.0' } });
  });
});

describe('preflight.kfp.server', () => {
  let single: FakeKfp;
  let multi: FakeKfp;
  beforeAll(async () => {
    [single, multi] = await Promise.all([startFakeKfp(), startFakeKfp({ multiUser: true })]);
  });
  afterAll(async () => {
    await Promise.all([single.close(), multi.close()]);
  });

  it('passes against a single-user server and records its mode', async () => {
    const result = await runCheck(kfpServer, contextFor({ ...GIVEN, KFP_HOST: single.url }, undefined));
    expect(result).toMatchObject({ status: 'passed', evidence: { multiUser: false } });
  });

  it('fails on a multi-user server when neither the profile namespace nor an identity is given', async () => {
    const result = await runCheck(kfpServer, contextFor({ ...GIVEN, KFP_HOST: multi.url }, undefined));
    expect(result.status).toBe('failed');
    expect(result.error).toContain('is multi-user');
    expect(result.error).toContain('set KFP_NAMESPACE');
    expect(result.error).toContain('KFP_TOKEN');
  });

  it('passes on a multi-user server with a namespace and an identity header', async () => {
    const env = {
      ...GIVEN,
      KFP_HOST: multi.url,
      KFP_NAMESPACE: 'kubeflow-user-example-com',
      KFP_USER_ID_HEADER: 'kubeflow-userid',
      KFP_USER_ID: 'user@example.com',
    };
    expect((await runCheck(kfpServer, contextFor(env, undefined))).status).toBe('passed');
  });

  it('fails naming the endpoint when nothing answers, and skips when the endpoints check failed', async () => {
    const down = await runCheck(kfpServer, contextFor(GIVEN, undefined));
    expect(down.status).toBe('failed');
    expect(down.error).toContain('127.0.0.1:1');
    const blocked = await runCheck(kfpServer, contextFor({ E2E_TARGET: 'cluster' }, UNREACHABLE));
    expect(blocked.status).toBe('skipped');
  });
});

describe('preflight.images.reachable', () => {
  it('skips for the local target', async () => {
    expect((await runCheck(imagesReachable, contextFor({}, undefined))).status).toBe('skipped');
  });

  it('says it cannot be checked when no node list and no registry is reachable', async () => {
    // The reference image lives on ghcr.io; this machine reaches no registry but package mirrors.
    const result = await runCheck(imagesReachable, contextFor({ ...GIVEN, E2E_REQUEST_TIMEOUT_MS: '1000' }, undefined));
    expect(result.status).toBe('skipped');
    expect(result.reason).toContain('cannot be checked from here');
    expect(result.reason).toContain('ghcr.io/kfp-e2e/poblesec-components:1.0.0');
  });
});
