import { describe, expect, it } from 'vitest';
import type { StackFacts } from '../../vitest/provided-context.js';
import { runCheck } from '../check.js';
import { stackStarted } from './stack-started.js';

const CLUSTER: StackFacts = {
  provider: 'external',
  values: {},
  services: ['postgres', 'minio', 'mlflow', 'kfp', 'gateway'],
  cluster: {
    kube: { status: 'reachable', context: 'minikube' },
    forwarded: [
      {
        key: 'mlflow.trackingUri',
        service: 'mlflow',
        namespace: 'kubeflow',
        remotePort: 5000,
        localPort: 41234,
        value: 'http://127.0.0.1:41234',
      },
    ],
    undiscovered: [],
  },
};

describe('infrastructure.stack.started', () => {
  it('passes for a cluster whose forwards are up, listing them', async () => {
    const result = await runCheck(stackStarted, { stack: CLUSTER, forwardsDown: [] });
    expect(result.status).toBe('passed');
    expect(result.evidence.forwarded).toEqual([
      'mlflow.trackingUri ← service/mlflow (kubeflow) 5000 → 127.0.0.1:41234',
    ]);
  });

  it('fails naming the service of a forward that died, with what kubectl said', async () => {
    const result = await runCheck(stackStarted, {
      stack: CLUSTER,
      forwardsDown: [
        {
          key: 'mlflow.trackingUri',
          service: 'mlflow',
          namespace: 'kubeflow',
          reason: 'port-forward to service/mlflow (namespace kubeflow) exited: lost connection to pod',
        },
      ],
    });
    expect(result.status).toBe('failed');
    expect(result.error).toContain('port-forward to service/mlflow (mlflow.trackingUri) is down');
    expect(result.error).toContain('lost connection to pod');
    expect(result.hint).toContain('kubectl -n kubeflow get pods,endpoints');
  });

  it('fails with the start error of a local stack that did not come up', async () => {
    const result = await runCheck(stackStarted, {
      stack: { provider: 'none', values: {}, services: [], startError: 'postgres did not start: boom' },
    });
    expect(result).toMatchObject({ status: 'failed', error: 'postgres did not start: boom' });
  });
});
