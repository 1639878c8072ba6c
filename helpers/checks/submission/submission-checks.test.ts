import { afterEach, describe, expect, it } from 'vitest';
import { type FakeKfp, type FakeKfpOptions, startFakeKfp } from '../../clients/kfp/fake-kfp.js';
import { kfpClientFromConfig } from '../../clients/kfp/kfp-client.js';
import * as recorded from '../../clients/kfp/recorded.js';
import { type Kubectl, KubectlError } from '../../clients/kube/kubectl.js';
import { clearRegisteredSecrets } from '../../config/mask.js';
import type { PresetName } from '../../config/presets.js';
import { resolveConfig } from '../../config/resolve.js';
import type { CheckResult } from '../../report/schema.js';
import { runCheck } from '../check.js';
import type { SubmissionContext } from './context.js';
import { kfpHealthy, submissionChecks } from './submission-checks.js';

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
  clearRegisteredSecrets();
});

const NS = 'kubeflow-user-example-com';
const TRAIN_POD = 'poblesec-forecast-x7k2p-1002';

interface Setup {
  fake?: FakeKfpOptions;
  preset?: PresetName;
  env?: Record<string, string>;
  runMs?: number;
  kubectl?: Kubectl;
  /** Leave ResolvedConfig.sources out of the context (callers that predate it). */
  withoutSources?: boolean;
}

/** The submission stage's context against the fake KFP API, configured as a user would. */
async function setup(options: Setup = {}): Promise<{ ctx: SubmissionContext; fake: FakeKfp }> {
  const fake = await startFakeKfp(options.fake);
  closers.push(fake);
  const { config, sources } = resolveConfig({
    env: options.env ?? {},
    preset: options.preset ?? 'local',
    flags: { 'kfp.host': fake.url, 'timeouts.runMs': String(options.runMs ?? 60_000) },
  });
  const client = kfpClientFromConfig(config);
  closers.push(client);
  const ctx: SubmissionContext = {
    config,
    ...(options.withoutSources ? {} : { sources }),
    ...(options.kubectl ? { kubectl: options.kubectl } : {}),
    client,
    plan: {
      pipelineName: 'poblesec-forecast',
      content: new TextEncoder().encode('pipelineInfo:\n  name: poblesec-forecast\n'),
      filename: 'pipeline.yaml',
      experimentName: 'kfp-e2e',
      runName: 'poblesec-forecast-kfp-e2e',
      parameters: { dataset: 'PobleSec', identifier: 'kfp-e2e' },
    },
    session: {},
    log: () => {},
  };
  return { ctx, fake };
}

/** Runs the stage's checks in order, as the spec does; later checks see what earlier ones recorded. */
async function runStage(ctx: SubmissionContext): Promise<Record<string, CheckResult>> {
  const results: Record<string, CheckResult> = {};
  for (const check of submissionChecks) results[check.id] = await runCheck(check, ctx);
  if (ctx.session.client) closers.push(ctx.session.client);
  return results;
}

/** A run whose GETs answer with the recorded run's details (train failing) in each state. */
const failingRun = (states: string[]): FakeKfpOptions => ({
  runStates: states,
  runDetails: (state) => {
    const run = recorded.run('v2gw', state, { failedTask: 'train' });
    return { run_details: run.run_details, ...('error' in run ? { error: run.error } : {}) };
  },
});

describe('submission.kfp.healthy on a multi-user KFP', () => {
  it('fails when KFP_NAMESPACE was not given, naming the endpoint, and what identity to set', async () => {
    const { ctx, fake } = await setup({ fake: { multiUser: true }, preset: 'cluster' });
    const result = await runCheck(kfpHealthy, ctx);
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      `KFP at ${fake.url} is multi-user: runs belong to a profile namespace; set KFP_NAMESPACE to yours (e.g. kubeflow-user-example-com) — it is unset, so the preset's "kubeflow" would be used. No user identity is configured either: set KFP_USER_ID_HEADER=kubeflow-userid and KFP_USER_ID=<you@example.com> (requests through the Istio gateway), or a bearer token (KFP_TOKEN, KFP_TOKEN_FILE or KFP_TOKEN_COMMAND)`,
    );
    expect(result.hint).toContain('`kubectl get profiles`');
    expect(result.hint).toContain('kubectl create token default-editor -n <profile-namespace>');
    expect(result.evidence).toMatchObject({
      multi_user: true,
      namespace: 'kubeflow',
      namespaceSource: 'default',
      auth: { tokenSource: 'no token', identity: 'no user-identity header' },
    });
    // No namespaced client, and the later steps skip instead of writing into the wrong namespace.
    expect(ctx.session.client).toBeUndefined();
    const later = await runStage(ctx);
    expect(later['submission.pipeline.uploaded']).toMatchObject({
      status: 'skipped',
      reason: 'requires a ready KFP API (submission.kfp.healthy), which did not succeed',
    });
    expect(Object.values(later).map((r) => r.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('with a user identity or a token configured, only the namespace is asked for', async () => {
    const identities: Array<Record<string, string>> = [
      { KFP_USER_ID_HEADER: 'kubeflow-userid', KFP_USER_ID: 'user@example.com' },
      { KFP_TOKEN_COMMAND: 'echo sa-token-for-test' },
    ];
    for (const env of identities) {
      const { ctx } = await setup({ fake: { multiUser: true }, preset: 'cluster', env });
      const result = await runCheck(kfpHealthy, ctx);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/would be used$/);
      expect(result.hint).not.toContain('kubectl create token');
    }
  });

  it('passes with the namespace given, and the later steps use it', async () => {
    const { ctx, fake } = await setup({
      fake: { multiUser: true, runStates: ['SUCCEEDED'] },
      env: { KFP_NAMESPACE: NS },
    });
    const results = await runStage(ctx);
    expect(results['submission.kfp.healthy']).toMatchObject({
      status: 'passed',
      evidence: { multi_user: true, namespace: NS, namespaceSource: 'env' },
    });
    expect(results['submission.run.succeeded']?.status).toBe('passed');
    expect(fake.experiments.map((e) => e.namespace)).toEqual([NS]);
    expect(fake.pipelines.map((p) => p.namespace)).toEqual([NS]);
  });

  it('a single-user KFP, or a caller without config sources: unchanged', async () => {
    const single = await setup({ preset: 'cluster' });
    const result = await runCheck(kfpHealthy, single.ctx);
    expect(result.status).toBe('passed');
    expect(result.evidence).not.toHaveProperty('namespace');
    expect(single.ctx.session.client).toBeUndefined();

    const legacy = await setup({ fake: { multiUser: true }, preset: 'cluster', withoutSources: true });
    expect((await runCheck(kfpHealthy, legacy.ctx)).status).toBe('passed');
    expect(legacy.ctx.session.client?.namespace).toBe('kubeflow');
  });
});

// ---- submission.run.succeeded: diagnostics of a run that did not succeed ----

/** A Pod as `kubectl get pod -o json` prints it, reduced to its status. */
const podJson = (status: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: TRAIN_POD, namespace: NS }, status });
const noEvents = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [], metadata: { resourceVersion: '' } });
const notFound = (pod: string) =>
  new KubectlError(
    `kubectl get pod ${pod} -n ${NS} -o json: Error from server (NotFound): pods "${pod}" not found`,
    undefined,
    'exit',
  );

/** A Kubectl that knows the train pod (answers per verb) and no other pod. */
function kubectlFor(train: { pod: string; logs: string | Error }): Kubectl & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    command: ['kubectl'],
    async run(args) {
      calls.push([...args]);
      const isTrain = args.includes(TRAIN_POD) || args.includes(`involvedObject.name=${TRAIN_POD}`);
      if (args[0] === 'get' && args[1] === 'events') return noEvents;
      if (!isTrain) throw notFound(args[0] === 'logs' ? (args[1] ?? '') : (args[2] ?? ''));
      if (args[0] === 'logs') {
        if (train.logs instanceof Error) throw train.logs;
        return train.logs;
      }
      return train.pod;
    },
  };
}

describe('submission.run.succeeded diagnostics', () => {
  it('a FAILED run on the local target: the failed task and its error in the message and evidence, no pods', async () => {
    const { ctx } = await setup({ fake: failingRun(['FAILED']) });
    const result = (await runStage(ctx))['submission.run.succeeded'];
    expect(result?.status).toBe('failed');
    expect(result?.error).toMatch(
      /^run run-\d+ ended FAILED: pipeline run failed: task train failed; failed task: train \(task failed: RuntimeError: MLflow tracking server unreachable\)$/,
    );
    expect(result?.hint).toMatch(/open the failed task’s logs/);
    expect(result?.evidence.diagnostics).toEqual({
      runError: 'pipeline run failed: task train failed',
      failedTasks: [
        {
          name: 'train',
          taskId: expect.any(String),
          state: 'FAILED',
          error: 'task failed: RuntimeError: MLflow tracking server unreachable',
          podNames: [TRAIN_POD],
          startTime: '2025-03-04T09:16:07Z',
          endTime: '2025-03-04T09:17:40Z',
          executionId: '103',
        },
      ],
    });
  });

  it('a FAILED run on a cluster: the pod says why (exit code, last log line), the hint says how to read more', async () => {
    const kubectl = kubectlFor({
      pod: podJson({
        phase: 'Failed',
        containerStatuses: [
          {
            name: 'main',
            image: 'ghcr.io/poblesec/train:1.4.2',
            state: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      }),
      logs: `[pod/${TRAIN_POD}/main] Traceback (most recent call last):\n[pod/${TRAIN_POD}/main] RuntimeError: MLflow tracking server unreachable\n`,
    });
    const { ctx } = await setup({
      fake: failingRun(['FAILED']),
      preset: 'cluster',
      env: { KFP_NAMESPACE: NS },
      kubectl,
    });
    const result = (await runStage(ctx))['submission.run.succeeded'];
    expect(result?.error).toContain(
      `; pod ${TRAIN_POD}: Error — container main exited with code 1; last log line: RuntimeError: MLflow tracking server unreachable`,
    );
    expect(result?.hint).toBe(
      `the component failed: its last log lines are in the evidence; the whole log: \`kubectl logs ${TRAIN_POD} -n ${NS} -c main\``,
    );
    const diagnostics = result?.evidence.diagnostics as { pods: Array<{ pod: string; logTail: string[] }> };
    expect(diagnostics.pods.map((p) => p.pod)).toEqual([TRAIN_POD]);
    expect(diagnostics.pods[0]?.logTail).toHaveLength(2);
    expect(kubectl.calls.every((c) => c.includes(NS))).toBe(true);
  });

  it('a run stuck on ImagePullBackOff until the deadline: the pull error in the message, minikube image load in the hint', async () => {
    const image = 'poblesec/train:dev';
    const kubectl = kubectlFor({
      pod: podJson({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'main',
            image,
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } },
          },
        ],
      }),
      logs: new KubectlError(
        `kubectl logs ${TRAIN_POD}: container "main" in pod "${TRAIN_POD}" is waiting to start: trying and failing to pull image`,
        undefined,
        'exit',
      ),
    });
    const { ctx } = await setup({
      fake: failingRun(['RUNNING']),
      preset: 'cluster',
      env: { KFP_NAMESPACE: NS },
      runMs: 300,
      kubectl,
    });
    const result = (await runStage(ctx))['submission.run.succeeded'];
    expect(result?.error).toMatch(/^KFP run run-\d+: expected a terminal state .* last state seen: RUNNING/);
    expect(result?.error).toMatch(
      new RegExp(`; pod ${TRAIN_POD}: ImagePullBackOff — Back-off pulling image "${image}"$`),
    );
    expect(result?.hint).toContain(`minikube image load ${image}`);
    expect(result?.hint).toContain(`kubectl describe pod ${TRAIN_POD} -n ${NS}`);
    expect(result?.evidence).toMatchObject({ state: 'RUNNING', timedOut: true });
    const diagnostics = result?.evidence.diagnostics as {
      failedTasks: unknown[];
      unfinishedTasks: Array<{ name: string; state: string }>;
      pods: Array<{ pod: string; summary: string }>;
      notes: string[];
    };
    expect(diagnostics.failedTasks).toEqual([]);
    expect(diagnostics.unfinishedTasks.map((t) => [t.name, t.state])).toEqual([
      ['train', 'RUNNING'],
      ['evaluate', 'PENDING'],
      ['promote', 'PENDING'],
      ['predict', 'PENDING'],
    ]);
    // The pending tasks' pods do not exist yet: noted, and they do not hide the telling one.
    expect(diagnostics.pods).toHaveLength(4);
    expect(diagnostics.notes.some((n) => n.includes('not found'))).toBe(true);
  });

  it('a CANCELED run: the canceled task named, a hint about who terminated it', async () => {
    const { ctx } = await setup({ fake: failingRun(['CANCELED']) });
    const result = (await runStage(ctx))['submission.run.succeeded'];
    expect(result?.error).toMatch(/^run run-\d+ ended CANCELED; canceled task: train$/);
    expect(result?.hint).toMatch(/^the run was terminated .* see who canceled it in the KFP UI/);
  });

  it('kubectl missing on a cluster: the tasks still reported, a note, and a hint to look at the pod by hand', async () => {
    const missing = new KubectlError('kubectl: not found on PATH', 'install kubectl', 'not-found');
    const kubectl: Kubectl = {
      command: ['kubectl'],
      run: async () => {
        throw missing;
      },
    };
    const { ctx } = await setup({
      fake: failingRun(['FAILED']),
      preset: 'cluster',
      env: { KFP_NAMESPACE: NS },
      kubectl,
    });
    const result = (await runStage(ctx))['submission.run.succeeded'];
    expect(result?.error).toMatch(
      /failed task: train \(task failed: RuntimeError: MLflow tracking server unreachable\)$/,
    );
    expect(result?.evidence.diagnostics).toMatchObject({
      failedTasks: [{ name: 'train' }],
      notes: ['kubectl unavailable: kubectl: not found on PATH'],
    });
    expect(result?.hint).toBe(
      `kubectl could not tell about the pods (see the evidence's notes); look yourself: \`kubectl describe pod ${TRAIN_POD} -n ${NS}\``,
    );
  });

  it('a SUCCEEDED run carries no diagnostics', async () => {
    const { ctx } = await setup({ fake: { runStates: ['SUCCEEDED'] } });
    const result = (await runStage(ctx))['submission.run.succeeded'];
    expect(result?.status).toBe('passed');
    expect(result?.evidence).not.toHaveProperty('diagnostics');
  });
});
