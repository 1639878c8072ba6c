import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../config/mask.js';
import { type Kubectl, KubectlError } from './kubectl.js';
import { diagnosePods, mostTelling, parseEvents, parsePod } from './pod-diagnostics.js';

afterEach(() => clearRegisteredSecrets());

/**
 * Pods and events as `kubectl get … -o json` prints them (core/v1), trimmed to what a KFP 2.x pod
 * on Argo has: init containers `init` and `kfp-launcher`, containers `wait` and `main`.
 */
const NS = 'kubeflow-user-example-com';
const IMAGE = 'ghcr.io/poblesec/train:1.4.2';

function pod(name: string, status: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid: '6f1d2c3b-8a9e-4f70-b1c2-d3e4f5a6b7c8',
      creationTimestamp: '2025-03-04T09:17:03Z',
      labels: {
        'pipelines.kubeflow.org/v2_component': 'true',
        'workflows.argoproj.io/workflow': 'poblesec-forecast-x7k2p',
      },
    },
    spec: {
      serviceAccountName: 'default-editor',
      nodeName: 'minikube',
      initContainers: [{ name: 'init' }, { name: 'kfp-launcher' }],
      containers: [{ name: 'wait' }, { name: 'main', image: IMAGE }],
    },
    status: { hostIP: '192.168.49.2', podIP: '10.244.0.31', startTime: '2025-03-04T09:17:03Z', ...status },
  };
}

const initDone = [
  {
    name: 'init',
    image: 'quay.io/argoproj/argoexec:v3.4.17',
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2025-03-04T09:17:04Z' } },
    lastState: {},
  },
  {
    name: 'kfp-launcher',
    image: 'ghcr.io/kubeflow/kfp-launcher:2.5.0',
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2025-03-04T09:17:05Z' } },
    lastState: {},
  },
];
const waitRunning = {
  name: 'wait',
  image: 'quay.io/argoproj/argoexec:v3.4.17',
  ready: true,
  restartCount: 0,
  started: true,
  state: { running: { startedAt: '2025-03-04T09:17:06Z' } },
  lastState: {},
};
const conditions = (ready: 'True' | 'False', scheduled = 'True') => [
  { type: 'Initialized', status: 'True', lastTransitionTime: '2025-03-04T09:17:06Z' },
  {
    type: 'Ready',
    status: ready,
    ...(ready === 'False' ? { reason: 'ContainersNotReady', message: 'containers with unready status: [main]' } : {}),
  },
  { type: 'PodScheduled', status: scheduled, lastTransitionTime: '2025-03-04T09:17:03Z' },
];

const imagePullPod = (name: string) =>
  pod(name, {
    phase: 'Pending',
    conditions: conditions('False'),
    initContainerStatuses: initDone,
    containerStatuses: [
      waitRunning,
      {
        name: 'main',
        image: IMAGE,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${IMAGE}"` } },
        lastState: {},
      },
    ],
  });

const failedPod = (name: string) =>
  pod(name, {
    phase: 'Failed',
    conditions: conditions('False'),
    initContainerStatuses: initDone,
    containerStatuses: [
      { ...waitRunning, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      {
        name: 'main',
        image: IMAGE,
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-03-04T09:17:07Z' } },
        lastState: {},
      },
    ],
  });

const oomPod = (name: string) =>
  pod(name, {
    phase: 'Failed',
    conditions: conditions('False'),
    initContainerStatuses: initDone,
    containerStatuses: [
      {
        name: 'main',
        image: IMAGE,
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2025-03-04T09:18:40Z' } },
        lastState: {},
      },
    ],
  });

function event(reason: string, message: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `p.${reason.toLowerCase()}`, namespace: NS },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: NS, fieldPath: 'spec.containers{main}' },
    reason,
    message,
    source: { component: 'kubelet', host: 'minikube' },
    type: 'Normal',
    count: 1,
    firstTimestamp: '2025-03-04T09:17:08Z',
    lastTimestamp: '2025-03-04T09:17:08Z',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'minikube',
    ...fields,
  };
}
const eventList = (...items: unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } });

const imagePullEvents = eventList(
  event('Scheduled', `Successfully assigned ${NS}/p to minikube`, {
    source: { component: 'default-scheduler' },
    firstTimestamp: '2025-03-04T09:17:03Z',
    lastTimestamp: '2025-03-04T09:17:03Z',
  }),
  event('Failed', 'Error: ImagePullBackOff', { type: 'Warning', count: 6, lastTimestamp: '2025-03-04T09:19:30Z' }),
  event('Pulling', `Pulling image "${IMAGE}"`, { count: 4, lastTimestamp: '2025-03-04T09:19:01Z' }),
  event(
    'Failed',
    `Failed to pull image "${IMAGE}": Error response from daemon: manifest for ${IMAGE} not found: manifest unknown`,
    { type: 'Warning', count: 4, lastTimestamp: '2025-03-04T09:19:02Z' },
  ),
  event('BackOff', `Back-off pulling image "${IMAGE}"`, { count: 7, lastTimestamp: '2025-03-04T09:19:31Z' }),
);

type Answer = string | Error | (() => Promise<string>);

/** A Kubectl answering from canned output by verb (`get pod`, `logs`, `get events`) and pod; records calls. */
function stubKubectl(answers: Record<string, Answer>): Kubectl & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    command: ['kubectl'],
    async run(args) {
      calls.push([...args]);
      const pod =
        args[0] === 'logs'
          ? args[1]
          : args[1] === 'pod'
            ? args[2]
            : /involvedObject\.name=(.*)$/.exec(args[5] ?? '')?.[1];
      const verb = args[0] === 'logs' ? 'logs' : `get ${args[1]}`;
      const answer = answers[`${verb} ${pod}`] ?? answers[verb];
      if (answer === undefined) throw new Error(`stub: no answer for kubectl ${args.join(' ')}`);
      if (answer instanceof Error) throw answer;
      return typeof answer === 'function' ? answer() : answer;
    },
  };
}

const exitError = (command: string, stderr: string) =>
  new KubectlError(`kubectl --request-timeout=4s ${command}: ${stderr}`, undefined, 'exit', stderr);

describe('diagnosePods', () => {
  it('ImagePullBackOff: the waiting reason and message in the summary, the image, the events; logs refused', async () => {
    const kubectl = stubKubectl({
      'get pod p-1': JSON.stringify(imagePullPod('p-1')),
      'get events': imagePullEvents,
      logs: exitError(
        `logs p-1 -n ${NS} --all-containers --prefix --tail=40`,
        'Error from server (BadRequest): container "main" in pod "p-1" is waiting to start: trying and failing to pull image',
      ),
    });
    const [d] = await diagnosePods(kubectl, { namespace: NS, pods: ['p-1'], timeoutMs: 5_000 });
    expect(d?.summary).toBe(`pod p-1: ImagePullBackOff — Back-off pulling image "${IMAGE}"`);
    expect(d?.phase).toBe('Pending');
    expect(d?.cause).toEqual({
      kind: 'image-pull',
      reason: 'ImagePullBackOff',
      message: `Back-off pulling image "${IMAGE}"`,
      container: 'main',
      image: IMAGE,
    });
    expect(d?.containers.map((c) => [c.name, c.init, c.state, c.reason ?? null])).toEqual([
      ['init', true, 'terminated', 'Completed'],
      ['kfp-launcher', true, 'terminated', 'Completed'],
      ['wait', false, 'running', null],
      ['main', false, 'waiting', 'ImagePullBackOff'],
    ]);
    expect(d?.conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [main]',
      },
    ]);
    // The last five, oldest first, with their counts.
    expect(d?.events.map((e) => [e.type, e.reason, e.count])).toEqual([
      ['Normal', 'Scheduled', 1],
      ['Normal', 'Pulling', 4],
      ['Warning', 'Failed', 4],
      ['Warning', 'Failed', 6],
      ['Normal', 'BackOff', 7],
    ]);
    expect(d?.logTail).toEqual([]);
    expect(d?.notes).toEqual([expect.stringContaining('is waiting to start: trying and failing to pull image')]);
    expect(kubectl.calls).toContainEqual(['get', 'pod', 'p-1', '-n', NS, '-o', 'json']);
    expect(kubectl.calls).toContainEqual(['logs', 'p-1', '-n', NS, '--all-containers', '--prefix', '--tail=40']);
    expect(kubectl.calls).toContainEqual([
      'get',
      'events',
      '-n',
      NS,
      '--field-selector',
      'involvedObject.name=p-1',
      '-o',
      'json',
    ]);
  });

  it('a component that exited 1: the exit code and its last log line; log lines masked', async () => {
    registerSecret('s3cr3t-minio-key');
    const logs = [
      '[pod/p-2/init] time="2025-03-04T09:17:04Z" level=info msg="Starting Workflow Executor"',
      '[pod/p-2/main] Loading data from s3://poblesec-raw with key s3cr3t-minio-key',
      '[pod/p-2/main] Traceback (most recent call last):',
      '[pod/p-2/main] ValueError: rows must be between 48 and 50000000, got 0',
      '[pod/p-2/wait] time="2025-03-04T09:17:40Z" level=info msg="Main container completed" error="<nil>"',
      '',
    ].join('\n');
    const kubectl = stubKubectl({
      'get pod p-2': JSON.stringify(failedPod('p-2')),
      'get events': eventList(),
      logs,
    });
    const [d] = await diagnosePods(kubectl, { namespace: NS, pods: ['p-2'], timeoutMs: 5_000, logLines: 3 });
    expect(d?.summary).toBe(
      'pod p-2: Error — container main exited with code 1; last log line: ValueError: rows must be between 48 and 50000000, got 0',
    );
    expect(d?.cause).toMatchObject({ kind: 'exit', exitCode: 1, container: 'main' });
    expect(d?.logTail).toEqual([
      '[pod/p-2/main] Traceback (most recent call last):',
      '[pod/p-2/main] ValueError: rows must be between 48 and 50000000, got 0',
      '[pod/p-2/wait] time="2025-03-04T09:17:40Z" level=info msg="Main container completed" error="<nil>"',
    ]);
    const all = await diagnosePods(kubectl, { namespace: NS, pods: ['p-2'], timeoutMs: 5_000 });
    expect(all[0]?.logTail).toContain('[pod/p-2/main] Loading data from s3://poblesec-raw with key ***');
    expect(JSON.stringify(all)).not.toContain('s3cr3t-minio-key');
  });

  it('OOMKilled, a crash loop behind which an OOM hides, an unschedulable pod, an evicted pod', async () => {
    const crashLoop = pod('p-4', {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: IMAGE,
          ready: false,
          restartCount: 4,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 1m20s restarting failed container=main pod=p-4_${NS}(6f1d2c3b)`,
            },
          },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
      ],
    });
    const unschedulable = pod('p-5', {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available.',
        },
      ],
    });
    const evicted = pod('p-6', {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi.',
    });
    const kubectl = stubKubectl({
      'get pod p-3': JSON.stringify(oomPod('p-3')),
      'get pod p-4': JSON.stringify(crashLoop),
      'get pod p-5': JSON.stringify(unschedulable),
      'get pod p-6': JSON.stringify(evicted),
      'get events': eventList(),
      logs: '',
    });
    const pods = await diagnosePods(kubectl, { namespace: NS, pods: ['p-3', 'p-4', 'p-5', 'p-6'], timeoutMs: 5_000 });
    expect(pods.map((p) => p.summary)).toEqual([
      'pod p-3: OOMKilled — container main was killed for exceeding its memory limit (exit code 137)',
      'pod p-4: OOMKilled — container main keeps crashing (4 restarts; last exit: OOMKilled (exit code 137))',
      'pod p-5: Unschedulable — 0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available.',
      'pod p-6: Evicted — The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi.',
    ]);
    expect(pods.map((p) => p.cause?.kind)).toEqual(['oom', 'oom', 'unschedulable', 'pod']);
    expect(mostTelling(pods)?.pod).toBe('p-3');
  });

  it('a pod with nothing wrong in its statuses: the last Warning event, else its phase', async () => {
    const pending = pod('p-7', { phase: 'Pending' });
    const kubectl = stubKubectl({
      'get pod p-7': JSON.stringify(pending),
      'get pod p-8': JSON.stringify(pending),
      'get events p-7': eventList(
        event('FailedMount', 'MountVolume.SetUp failed for volume "mlpipeline-minio-artifact" : secret not found', {
          type: 'Warning',
        }),
      ),
      'get events p-8': eventList(),
      logs: '',
    });
    const pods = await diagnosePods(kubectl, { namespace: NS, pods: ['p-7', 'p-8'], timeoutMs: 5_000 });
    expect(pods.map((p) => p.summary)).toEqual([
      'pod p-7: FailedMount — MountVolume.SetUp failed for volume "mlpipeline-minio-artifact" : secret not found',
      'pod p-8: Pending',
    ]);
  });

  it('kubectl failures become notes, never throws: a pod gone, kubectl missing, a call that hangs', async () => {
    const gone = stubKubectl({
      'get pod': exitError(`get pod p-9 -n ${NS} -o json`, 'Error from server (NotFound): pods "p-9" not found'),
      logs: exitError(`logs p-9 -n ${NS}`, 'Error from server (NotFound): pods "p-9" not found'),
      'get events': eventList(),
    });
    const [notFound] = await diagnosePods(gone, { namespace: NS, pods: ['p-9'], timeoutMs: 5_000 });
    expect(notFound?.summary).toMatch(/^pod p-9: not inspected \(kubectl .*get pod p-9 .*pods "p-9" not found\)$/);
    expect(notFound?.cause).toBeUndefined();
    expect(notFound?.notes).toHaveLength(2);

    const missing = new KubectlError('kubectl: not found on PATH', 'install kubectl', 'not-found');
    const absent = stubKubectl({ 'get pod': missing, logs: missing, 'get events': missing });
    const [none] = await diagnosePods(absent, { namespace: NS, pods: ['p-10'], timeoutMs: 5_000 });
    // The same note once, not once per call.
    expect(none?.notes).toEqual(['kubectl unavailable: kubectl: not found on PATH']);
    expect(none?.summary).toBe('pod p-10: not inspected (kubectl unavailable: kubectl: not found on PATH)');

    // A Kubectl that ignores its deadline is cut off by the guard (here: twice the deadline).
    const hangs = stubKubectl({
      'get pod': () => new Promise<string>(() => {}),
      logs: '',
      'get events': eventList(),
    });
    const started = performance.now();
    const [hung] = await diagnosePods(hangs, { namespace: NS, pods: ['p-11'], timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(hung?.notes).toEqual([
      expect.stringMatching(/^kubectl unavailable: kubectl get pod p-11 .*no answer within 200 ms$/),
    ]);
  });

  it('at most five pods, each once, all in parallel', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const kubectl = stubKubectl({
      'get pod': async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight === 5) release();
        await gate;
        inFlight--;
        return JSON.stringify(failedPod('p'));
      },
      logs: '',
      'get events': eventList(),
    });
    const names = ['a', 'b', 'a', 'c', 'd', 'e', 'f', 'g'];
    const pods = await diagnosePods(kubectl, { namespace: NS, pods: names, timeoutMs: 5_000 });
    expect(pods.map((p) => p.pod)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(maxInFlight).toBe(5);
    expect(kubectl.calls.filter((c) => c[1] === 'pod')).toHaveLength(5);
  });
});

describe('parsePod / parseEvents', () => {
  it('reads what is there and nothing more: not a Pod, broken JSON, odd fields', () => {
    expect(parsePod('{"kind":"Service"}')).toBeUndefined();
    expect(parsePod('not json')).toBeUndefined();
    expect(parsePod('{"kind":"Pod"}')).toEqual({ containers: [], conditions: [] });
    expect(
      parsePod(
        JSON.stringify({
          kind: 'Pod',
          status: {
            phase: 'Pending',
            conditions: 'x',
            containerStatuses: [null, { name: 'main', state: { waiting: 'odd' }, restartCount: 'x' }],
          },
        }),
      ),
    ).toEqual({ phase: 'Pending', containers: [{ name: 'main', init: false, state: 'unknown' }], conditions: [] });
  });

  it('events of the events.k8s.io shape: eventTime and series instead of timestamps and count', () => {
    const events = parseEvents(
      eventList(
        event('BackOff', 'Back-off restarting failed container main', {
          type: 'Warning',
          count: undefined,
          firstTimestamp: null,
          lastTimestamp: null,
          eventTime: '2025-03-04T09:18:00.000000Z',
          series: { count: 9, lastObservedTime: '2025-03-04T09:25:00.000000Z' },
        }),
        event('Pulled', 'Container image already present on machine', { lastTimestamp: '2025-03-04T09:20:00Z' }),
      ),
    );
    expect(events).toEqual([
      {
        type: 'Normal',
        reason: 'Pulled',
        message: 'Container image already present on machine',
        count: 1,
        lastSeen: '2025-03-04T09:20:00Z',
      },
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container main',
        count: 9,
        lastSeen: '2025-03-04T09:25:00.000000Z',
      },
    ]);
    expect(parseEvents('{"items": "x"}')).toEqual([]);
    expect(parseEvents('')).toEqual([]);
  });
});
