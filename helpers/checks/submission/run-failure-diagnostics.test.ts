import { describe, expect, it } from 'vitest';
import type { KfpClient } from '../../clients/kfp/kfp-client.js';
import * as recorded from '../../clients/kfp/recorded.js';
import type { Run } from '../../clients/kfp/schemas.js';
import type { Kubectl } from '../../clients/kube/kubectl.js';
import type { CauseKind } from '../../clients/kube/pod-diagnostics.js';
import { resolveConfig } from '../../config/resolve.js';
import { runCheck } from '../check.js';
import type { ContractContext } from '../contract/context.js';
import { kfpRunSucceeded } from '../contract/kfp-contract-checks.js';
import { diagnoseRunFailure, hintFor } from './run-failure-diagnostics.js';

const local = resolveConfig({ env: {}, preset: 'local' }).config;
const cluster = resolveConfig({ env: { KFP_NAMESPACE: 'team-a' }, preset: 'cluster' }).config;
const failed = recorded.run('v2gw', 'FAILED', { failedTask: 'train' });
const TRAIN_POD = 'poblesec-forecast-x7k2p-1002';

/** A Kubectl answering every pod with the same Pod JSON; records the calls. */
function kubectlAnswering(pod: Record<string, unknown>): Kubectl & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    command: ['kubectl'],
    async run(args) {
      calls.push([...args]);
      if (args[0] === 'logs') return '';
      if (args[1] === 'events') return '{"kind":"List","items":[]}';
      return JSON.stringify({ kind: 'Pod', metadata: { name: args[2] }, ...pod });
    },
  };
}

describe('diagnoseRunFailure', () => {
  it('local target: the failed tasks only, kubectl never asked', async () => {
    const kubectl = kubectlAnswering({});
    const d = await diagnoseRunFailure(failed, { config: local, kubectl });
    expect(d.diagnostics).toEqual({
      runError: 'pipeline run failed: task train failed',
      failedTasks: [expect.objectContaining({ name: 'train', podNames: [TRAIN_POD] })],
    });
    expect(d.headline).toBeUndefined();
    expect(d.hint).toBeUndefined();
    expect(kubectl.calls).toEqual([]);
  });

  it('cluster target: the pods in config.kfp.namespace; an untelling phase gives no headline', async () => {
    const kubectl = kubectlAnswering({ status: { phase: 'Succeeded' } });
    const d = await diagnoseRunFailure(failed, { config: cluster, kubectl });
    expect(kubectl.calls.filter((c) => c[0] === 'get' && c[1] === 'pod')).toEqual([
      ['get', 'pod', TRAIN_POD, '-n', 'team-a', '-o', 'json'],
    ]);
    expect(d.diagnostics.pods?.map((p) => p.summary)).toEqual([`pod ${TRAIN_POD}: Succeeded`]);
    expect(d.headline).toBeUndefined();
    expect(d.hint).toBeUndefined();
  });

  it('cluster target, a run that names no pods: a note instead', async () => {
    const d = await diagnoseRunFailure(
      { run_id: 'r', state: 'FAILED' },
      { config: cluster, kubectl: kubectlAnswering({}) },
    );
    expect(d.diagnostics).toEqual({
      failedTasks: [],
      pods: [],
      notes: ['the run names no pods for its failed or unfinished tasks'],
    });
  });

  it('the contract stage shares it: contract.kfp.run-succeeded carries the diagnostics, its message unchanged', async () => {
    const ctx = {
      config: local,
      contract: {},
      run: { runId: 'run-123', parameters: {} },
      kfp: { base: 'http://127.0.0.1:8888', getRun: async () => failed as Run } as unknown as KfpClient,
      facts: { documents: {} },
    } as unknown as ContractContext;
    const result = await runCheck(kfpRunSucceeded, ctx);
    expect(result.error).toBe(
      'KFP run run-123: expected state SUCCEEDED, saw FAILED (pipeline run failed: task train failed)',
    );
    expect(result.evidence.diagnostics).toMatchObject({ failedTasks: [{ name: 'train', state: 'FAILED' }] });
  });
});

describe('hintFor', () => {
  const hint = (kind: CauseKind, extra: Record<string, unknown> = {}) =>
    hintFor('p-1', 'team-a', { kind, reason: 'R', container: 'main', ...extra });

  it('says what to try for each cause, naming the pod and namespace', () => {
    expect(hint('image-pull', { image: 'poblesec/train:dev' })).toContain('`minikube image load poblesec/train:dev`');
    expect(hint('image-pull')).toContain('`kubectl describe pod p-1 -n team-a`');
    expect(hint('crash-loop')).toContain('`kubectl logs p-1 -n team-a -c main --previous`');
    expect(hint('oom')).toContain('set_memory_limit');
    expect(hint('unschedulable')).toContain('minikube start --cpus');
    expect(hint('container-config')).toContain('Secret or ConfigMap');
    expect(hint('exit')).toContain('`kubectl logs p-1 -n team-a -c main`');
    expect(hint('pod')).toContain('node pressure');
    expect(hint('phase')).toBe(
      '`kubectl describe pod p-1 -n team-a` and `kubectl logs p-1 -n team-a --all-containers`',
    );
  });
});
