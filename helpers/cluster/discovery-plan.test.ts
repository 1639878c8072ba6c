import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { planDiscovery } from './discovery-plan.js';

const resolved = (env: Record<string, string>) => resolveConfig({ env: { E2E_TARGET: 'cluster', ...env }, flags: {} });

describe('planDiscovery', () => {
  it('targets every endpoint still on the cluster preset default, in the services namespace', () => {
    const plan = planDiscovery(resolved({ KFP_NAMESPACE: 'kubeflow' }));
    expect(plan.notNeeded).toBeUndefined();
    expect(plan.namespace).toBe('kubeflow');
    expect(plan.targets).toEqual([
      { key: 'kfp.host', role: 'kfp', service: 'ml-pipeline', namespace: 'kubeflow' },
      { key: 'kfp.uiHost', role: 'kfpUi', service: 'ml-pipeline-ui', namespace: 'kubeflow' },
      { key: 'minio.endpoint', role: 'minio', service: 'minio-service', namespace: 'kubeflow' },
      { key: 'mlflow.trackingUri', role: 'mlflow', service: 'mlflow', namespace: 'kubeflow' },
      { key: 'gateway.url', role: 'gateway', service: 'fastapi-app', namespace: 'kubeflow' },
      { key: 'postgres.host', role: 'postgres', service: 'postgres', namespace: 'kubeflow' },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it('leaves alone whatever the user gave, from any layer', () => {
    const plan = planDiscovery(
      resolveConfig({
        env: { E2E_TARGET: 'cluster', KFP_HOST: 'http://kfp.example:8888' },
        flags: { 'mlflow.trackingUri': 'http://mlflow.example' },
      }),
    );
    expect(plan.targets.map((t) => t.key)).toEqual(['kfp.uiHost', 'minio.endpoint', 'gateway.url', 'postgres.host']);
  });

  it('follows cluster.namespace and namespace/name service references', () => {
    const plan = planDiscovery(
      resolved({
        KFP_NAMESPACE: 'team-a',
        E2E_CLUSTER_NAMESPACE: 'platform',
        SVC_MLFLOW: 'mlops/tracking',
        SVC_GATEWAY: 'serving',
      }),
    );
    expect(plan.namespace).toBe('platform');
    expect(plan.targets.find((t) => t.key === 'mlflow.trackingUri')).toMatchObject({
      service: 'tracking',
      namespace: 'mlops',
    });
    expect(plan.targets.find((t) => t.key === 'gateway.url')).toMatchObject({
      service: 'serving',
      namespace: 'platform',
    });
  });

  it('a given postgres.port without postgres.host is not forwarded: the given port would win', () => {
    const plan = planDiscovery(resolved({ POSTGRES_PORT: '15432' }));
    expect(plan.targets.map((t) => t.key)).not.toContain('postgres.host');
    expect(plan.skipped).toEqual([
      {
        key: 'postgres.host',
        service: 'postgres',
        reason:
          'postgres.port is given (env) but postgres.host is not: give both, or neither so discovery forwards both',
      },
    ]);
  });

  it('nothing to do: local target, discovery off, or every endpoint given', () => {
    expect(planDiscovery(resolveConfig({ env: {} })).notNeeded).toBe('target is local: nothing to discover');
    expect(planDiscovery(resolved({ E2E_DISCOVERY: 'off' }))).toMatchObject({
      targets: [],
      notNeeded: 'discovery is off (cluster.discovery from env)',
    });
    const allGiven = planDiscovery(
      resolved({
        KFP_HOST: 'http://a:1',
        KFP_UI_HOST: 'http://a:2',
        MINIO_ENDPOINT: 'http://a:3',
        MLFLOW_TRACKING_URI: 'http://a:4',
        GATEWAY_URL: 'http://a:5',
        POSTGRES_HOST: 'db',
      }),
    );
    expect(allGiven).toMatchObject({ targets: [], notNeeded: expect.stringMatching(/^every endpoint is given/) });
  });
});
