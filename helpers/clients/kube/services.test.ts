import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../../checks/check.js';
import { createFakeKubectl, type FakeKubectl } from './fake-kubectl/fake-kubectl.js';
import { createKubectl, KubectlError } from './kubectl.js';
import {
  choosePort,
  describePortRule,
  getService,
  type KubeService,
  PORT_RULES,
  parseService,
  type ServicePort,
} from './services.js';

const fakes: FakeKubectl[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.cleanup();
});

/** `kubectl get service ml-pipeline -n kubeflow -o json` of a KFP standalone install (trimmed). */
const ML_PIPELINE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'ml-pipeline', namespace: 'kubeflow', labels: { app: 'ml-pipeline' } },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.12.7',
    selector: { app: 'ml-pipeline' },
    ports: [
      { name: 'http', port: 8888, protocol: 'TCP', targetPort: 8888 },
      { name: 'grpc', port: 8887, protocol: 'TCP', targetPort: 8887 },
    ],
  },
  status: { loadBalancer: {} },
};

function service(ports: Array<Partial<ServicePort> & { port: number }>, extra: Partial<KubeService> = {}): KubeService {
  return {
    name: 'svc',
    namespace: 'kubeflow',
    type: 'ClusterIP',
    hasSelector: true,
    ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
    ...extra,
  };
}

describe('parseService', () => {
  it('reads name, namespace, type, selector and ports', () => {
    expect(parseService(JSON.stringify(ML_PIPELINE), 'ignored')).toEqual({
      name: 'ml-pipeline',
      namespace: 'kubeflow',
      type: 'ClusterIP',
      hasSelector: true,
      ports: [
        { name: 'http', port: 8888, protocol: 'TCP', targetPort: 8888 },
        { name: 'grpc', port: 8887, protocol: 'TCP', targetPort: 8887 },
      ],
    });
  });

  it('fills what the API leaves out: protocol TCP, namespace from the lookup, no selector, no ports', () => {
    const parsed = parseService(
      JSON.stringify({ metadata: { name: 'mlflow' }, spec: { ports: [{ port: 5000, targetPort: 'http' }] } }),
      'mlops',
    );
    expect(parsed).toEqual({
      name: 'mlflow',
      namespace: 'mlops',
      type: 'ClusterIP',
      hasSelector: false,
      ports: [{ port: 5000, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(parseService(JSON.stringify({ metadata: { name: 'x' }, spec: {} }), 'ns').ports).toEqual([]);
  });

  it('bad output is a HintedError naming what did not fit', () => {
    expect(() => parseService('error: something', 'ns')).toThrow(HintedError);
    expect(() => parseService('error: something', 'ns')).toThrow(/expected JSON, got "error: something"/);
    const badPort = { metadata: { name: 'x' }, spec: { ports: [{ port: 'eighty' }] } };
    expect(() => parseService(JSON.stringify(badPort), 'ns')).toThrow(/not a Service \(spec\.ports\.0\.port: /);
    expect(() => parseService(JSON.stringify({ kind: 'Pod', metadata: { name: 'x' }, spec: {} }), 'ns')).toThrow(
      /kind/,
    );
  });
});

describe('getService against the fake kubectl', () => {
  it('runs `get service <name> -n <ns> -o json` and parses the answer', async () => {
    const fake = createFakeKubectl({
      services: { 'kubeflow/ml-pipeline': { ports: ML_PIPELINE.spec.ports } },
    });
    fakes.push(fake);
    const kubectl = createKubectl({ executable: fake.executable, timeoutMs: 5000 });
    const found = await getService(kubectl, 'ml-pipeline', 'kubeflow');
    expect(found?.ports.map((p) => p.port)).toEqual([8888, 8887]);
    expect(fake.invocations()).toEqual([
      ['--request-timeout=4s', 'get', 'service', 'ml-pipeline', '-n', 'kubeflow', '-o', 'json'],
    ]);
  });

  it('NotFound is undefined; other failures and bad output throw', async () => {
    const fake = createFakeKubectl({ services: { 'kubeflow/weird': { raw: 'not json' } } });
    fakes.push(fake);
    const kubectl = createKubectl({ executable: fake.executable, timeoutMs: 5000 });
    expect(await getService(kubectl, 'mlflow', 'kubeflow')).toBeUndefined();
    await expect(getService(kubectl, 'weird', 'kubeflow')).rejects.toThrow(/expected JSON, got "not json"/);
    fake.setScenario({ hang: ['get service'] });
    await expect(getService(kubectl, 'mlflow', 'kubeflow', { timeoutMs: 500 })).rejects.toBeInstanceOf(KubectlError);
  });
});

describe('choosePort: the port rule per role', () => {
  it('KFP API: the port named http wins, else 8888, never grpc', () => {
    expect(
      choosePort(
        'kfp',
        service([
          { name: 'grpc', port: 8887 },
          { name: 'http', port: 9999 },
        ]),
      ),
    ).toMatchObject({
      ok: true,
      port: { port: 9999 },
    });
    expect(choosePort('kfp', service([{ port: 8887 }, { port: 8888 }]))).toMatchObject({
      ok: true,
      port: { port: 8888 },
    });
    expect(choosePort('kfp', service([{ name: 'grpc', port: 8887 }]))).toEqual({
      ok: false,
      reason:
        'service svc in namespace kubeflow has no port for kfp (expected the port named http, else port 8888; has grpc:8887)',
    });
  });

  it('UI: 80, else 3000', () => {
    expect(choosePort('kfpUi', service([{ port: 3000 }, { port: 80, targetPort: 3000 }]))).toMatchObject({
      port: { port: 80 },
    });
    expect(choosePort('kfpUi', service([{ port: 3000 }]))).toMatchObject({ port: { port: 3000 } });
    expect(choosePort('kfpUi', service([{ port: 8080 }])).ok).toBe(false);
  });

  it('MinIO: 9000 (the API, not the console), with no single-port fallback', () => {
    expect(choosePort('minio', service([{ port: 9001, name: 'console' }, { port: 9000 }]))).toMatchObject({
      port: { port: 9000 },
    });
    expect(choosePort('minio', service([{ port: 9001 }])).ok).toBe(false);
  });

  it('MLflow and the gateway: 5000 / 8000, else the only port, but not a guess among several', () => {
    expect(choosePort('mlflow', service([{ port: 80 }, { port: 5000 }]))).toMatchObject({ port: { port: 5000 } });
    expect(choosePort('mlflow', service([{ port: 8080 }]))).toMatchObject({ port: { port: 8080 } });
    expect(choosePort('mlflow', service([{ port: 8080 }, { port: 8081 }]))).toEqual({
      ok: false,
      reason:
        'service svc in namespace kubeflow has no port for mlflow (expected port 5000, else its only port; has 8080, 8081)',
    });
    expect(choosePort('gateway', service([{ port: 9090 }, { port: 8000 }]))).toMatchObject({ port: { port: 8000 } });
    expect(choosePort('gateway', service([{ port: 80 }]))).toMatchObject({ port: { port: 80 } });
  });

  it('PostgreSQL: 5432 only', () => {
    expect(choosePort('postgres', service([{ port: 5432 }]))).toMatchObject({ port: { port: 5432 } });
    expect(choosePort('postgres', service([{ port: 5433 }])).ok).toBe(false);
  });

  it('only TCP ports count: port-forward carries nothing else', () => {
    expect(choosePort('mlflow', service([{ port: 5000, protocol: 'UDP' }, { port: 8080 }]))).toMatchObject({
      port: { port: 8080 },
    });
    expect(choosePort('postgres', service([{ port: 5432, protocol: 'UDP' }]))).toEqual({
      ok: false,
      reason: 'service svc in namespace kubeflow has no port for postgres (expected port 5432; has no TCP port)',
    });
  });

  it('services kubectl cannot port-forward to are refused with the reason', () => {
    expect(choosePort('mlflow', service([{ port: 5000 }], { type: 'ExternalName' }))).toEqual({
      ok: false,
      reason: 'service svc in namespace kubeflow is of type ExternalName: it has no pods to port-forward to',
    });
    expect(choosePort('mlflow', service([{ port: 5000 }], { hasSelector: false }))).toEqual({
      ok: false,
      reason: 'service svc in namespace kubeflow has no selector: kubectl cannot port-forward to it',
    });
  });

  it('describes every rule in words', () => {
    expect(
      Object.fromEntries(Object.entries(PORT_RULES).map(([role, rule]) => [role, describePortRule(rule)])),
    ).toEqual({
      kfp: 'the port named http, else port 8888',
      kfpUi: 'port 80, else port 3000',
      minio: 'port 9000',
      mlflow: 'port 5000, else its only port',
      gateway: 'port 8000, else its only port',
      postgres: 'port 5432',
    });
  });
});
