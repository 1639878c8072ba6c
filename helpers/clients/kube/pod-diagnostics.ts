import { z } from 'zod';
import { maskText } from '../../config/mask.js';
import { withTimeout } from '../../util/timeout.js';
import { type Kubectl, KubectlError } from './kubectl.js';

/**
 * Why a pipeline pod did not do its work, as kubectl sees it: the pod's phase and container states
 * (ImagePullBackOff, CrashLoopBackOff, OOMKilled, exit codes), the tail of its logs and its last
 * events — and one summary line naming the most telling of them. For a failed run's evidence: it
 * never throws; whatever kubectl cannot tell becomes a note.
 */

export interface ContainerDiagnostics {
  name: string;
  /** An init container (KFP/Argo pods have `init` and `kfp-launcher`). */
  init: boolean;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason?: string;
  message?: string;
  exitCode?: number;
  /** How the previous attempt ended, for a restarting container (often OOMKilled behind a CrashLoopBackOff). */
  lastTerminated?: { reason?: string; exitCode?: number; message?: string };
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PodEvent {
  type?: string;
  reason?: string;
  message?: string;
  count: number;
  lastSeen?: string;
}

/** Kinds of cause, most telling first (CAUSE_RANK). */
export const CAUSE_KINDS = [
  'image-pull',
  'container-config',
  'oom',
  'crash-loop',
  'unschedulable',
  'exit',
  'pod',
  'event',
  'phase',
] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

export interface PodCause {
  kind: CauseKind;
  /** Kubernetes' word for it: ImagePullBackOff, OOMKilled, Unschedulable, Evicted, Error, … */
  reason: string;
  message?: string;
  container?: string;
  image?: string;
  exitCode?: number;
}

export interface PodDiagnostics {
  pod: string;
  namespace: string;
  /** Absent when the pod could not be read. */
  phase?: string;
  /** status.reason / status.message of the pod (Evicted, DeadlineExceeded). */
  reason?: string;
  message?: string;
  containers: ContainerDiagnostics[];
  /** Conditions that are not True (PodScheduled=False: Unschedulable). */
  conditions: PodCondition[];
  /** The last events of the pod, oldest first. */
  events: PodEvent[];
  /** The last log lines of its containers (`[pod/<pod>/<container>] …`), masked. */
  logTail: string[];
  /** What kubectl could not tell, and why. */
  notes: string[];
  cause?: PodCause;
  /** `pod p: ImagePullBackOff — Back-off pulling image "…"`. */
  summary: string;
}

export interface PodDiagnosticsOptions {
  namespace: string;
  pods: readonly string[];
  /** Deadline of one kubectl call; a pod's three calls run in parallel. */
  timeoutMs: number;
  /** At most this many pods are inspected (in parallel). Default 5. */
  maxPods?: number;
  /** Log lines per container (`--tail`). Default 40. */
  logLines?: number;
  /** Events kept per pod. Default 5. */
  maxEvents?: number;
}

export async function diagnosePods(kubectl: Kubectl, options: PodDiagnosticsOptions): Promise<PodDiagnostics[]> {
  const pods = [...new Set(options.pods)].slice(0, options.maxPods ?? 5);
  return Promise.all(pods.map((pod) => diagnosePod(kubectl, pod, options)));
}

async function diagnosePod(kubectl: Kubectl, pod: string, options: PodDiagnosticsOptions): Promise<PodDiagnostics> {
  const ns = options.namespace;
  const lines = options.logLines ?? 40;
  const call = (args: string[]) => safeRun(kubectl, args, options.timeoutMs);
  const [podJson, logs, eventsJson] = await Promise.all([
    call(['get', 'pod', pod, '-n', ns, '-o', 'json']),
    call(['logs', pod, '-n', ns, '--all-containers', '--prefix', `--tail=${lines}`]),
    call(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${pod}`, '-o', 'json']),
  ]);
  const notes: string[] = [];
  const parsed = podJson.ok ? parsePod(podJson.stdout) : undefined;
  if (!podJson.ok) notes.push(podJson.note);
  else if (!parsed) notes.push(`kubectl get pod ${pod}: expected a Pod as JSON, saw something else`);
  if (!logs.ok) notes.push(logs.note);
  if (!eventsJson.ok) notes.push(eventsJson.note);

  const diagnostics: PodDiagnostics = {
    pod,
    namespace: ns,
    ...(parsed?.phase ? { phase: parsed.phase } : {}),
    ...(parsed?.reason ? { reason: parsed.reason } : {}),
    ...(parsed?.message ? { message: parsed.message } : {}),
    containers: parsed?.containers ?? [],
    conditions: parsed?.conditions ?? [],
    events: eventsJson.ok ? parseEvents(eventsJson.stdout).slice(-(options.maxEvents ?? 5)) : [],
    logTail: logs.ok ? logTail(logs.stdout, lines) : [],
    notes: [...new Set(notes)],
    summary: '',
  };
  const cause = podCause(diagnostics);
  if (cause) diagnostics.cause = cause;
  diagnostics.summary = summarisePod(diagnostics);
  return diagnostics;
}

type Outcome = { ok: true; stdout: string } | { ok: false; note: string };

/** One kubectl call that cannot throw; a guard deadline (up to 2 s later) in case a Kubectl ignores its own. */
async function safeRun(kubectl: Kubectl, args: string[], timeoutMs: number): Promise<Outcome> {
  try {
    const guard = timeoutMs + Math.min(2_000, timeoutMs);
    const stdout = await withTimeout(kubectl.run(args, { timeoutMs }), guard, `kubectl ${args.join(' ')}`);
    return { ok: true, stdout };
  } catch (error) {
    const message = maskText(error instanceof Error ? error.message : String(error));
    // A kubectl that ran and said no (NotFound, Forbidden) names the call itself; anything else
    // means kubectl could not be used at all.
    const answered = error instanceof KubectlError && error.reason === 'exit';
    return { ok: false, note: answered ? message : `kubectl unavailable: ${message}` };
  }
}

// ---- Parsing (Kubernetes core/v1 Pod and Event as `kubectl -o json` prints them) ----

const Text = z.string().optional().catch(undefined);
const Int = z.number().int().optional().catch(undefined);
const Terminated = z.looseObject({ exitCode: Int, reason: Text, message: Text });
const ContainerState = z
  .looseObject({
    waiting: z.looseObject({ reason: Text, message: Text }).optional().catch(undefined),
    running: z.looseObject({}).optional().catch(undefined),
    terminated: Terminated.optional().catch(undefined),
  })
  .optional()
  .catch(undefined);
const ContainerStatus = z.looseObject({
  name: z.string(),
  image: Text,
  ready: z.boolean().optional().catch(undefined),
  restartCount: Int,
  state: ContainerState,
  lastState: ContainerState,
});
const statuses = z
  .array(ContainerStatus.nullable().catch(null))
  .optional()
  .catch(undefined)
  .transform((list) => (list ?? []).filter((s) => s !== null));
const PodSchema = z.looseObject({
  kind: z.literal('Pod'),
  status: z
    .looseObject({
      phase: Text,
      reason: Text,
      message: Text,
      conditions: z
        .array(
          z.looseObject({ type: z.string(), status: z.string(), reason: Text, message: Text }).nullable().catch(null),
        )
        .optional()
        .catch(undefined),
      initContainerStatuses: statuses,
      containerStatuses: statuses,
    })
    .optional()
    .catch(undefined),
});

export interface ParsedPod {
  phase?: string;
  reason?: string;
  message?: string;
  containers: ContainerDiagnostics[];
  conditions: PodCondition[];
}

/** The parts of `kubectl get pod -o json` that explain a failure; undefined when it is not a Pod. */
export function parsePod(json: string): ParsedPod | undefined {
  const parsed = PodSchema.safeParse(parseJson(json));
  if (!parsed.success) return undefined;
  const status = parsed.data.status;
  const containers = [
    ...(status?.initContainerStatuses ?? []).map((s) => toContainer(s, true)),
    ...(status?.containerStatuses ?? []).map((s) => toContainer(s, false)),
  ];
  const conditions = (status?.conditions ?? []).flatMap((c) =>
    c && c.status !== 'True'
      ? [
          {
            type: c.type,
            status: c.status,
            ...(c.reason ? { reason: c.reason } : {}),
            ...(c.message ? { message: maskText(c.message) } : {}),
          },
        ]
      : [],
  );
  return {
    ...(status?.phase ? { phase: status.phase } : {}),
    ...(status?.reason ? { reason: status.reason } : {}),
    ...(status?.message ? { message: maskText(status.message) } : {}),
    containers,
    conditions,
  };
}

function toContainer(s: z.infer<typeof ContainerStatus>, init: boolean): ContainerDiagnostics {
  const { waiting, running, terminated } = s.state ?? {};
  const state = waiting ? 'waiting' : terminated ? 'terminated' : running ? 'running' : 'unknown';
  const detail = waiting ?? terminated;
  const last = s.lastState?.terminated;
  return {
    name: s.name,
    init,
    ...(s.image ? { image: s.image } : {}),
    ...(s.ready !== undefined ? { ready: s.ready } : {}),
    ...(s.restartCount !== undefined ? { restartCount: s.restartCount } : {}),
    state,
    ...(detail?.reason ? { reason: detail.reason } : {}),
    ...(detail?.message ? { message: maskText(detail.message) } : {}),
    ...(terminated?.exitCode !== undefined ? { exitCode: terminated.exitCode } : {}),
    ...(last
      ? {
          lastTerminated: {
            ...(last.reason ? { reason: last.reason } : {}),
            ...(last.exitCode !== undefined ? { exitCode: last.exitCode } : {}),
            ...(last.message ? { message: maskText(last.message) } : {}),
          },
        }
      : {}),
  };
}

const Event = z.looseObject({
  type: Text,
  reason: Text,
  message: Text,
  count: Int,
  series: z.looseObject({ count: Int, lastObservedTime: Text }).optional().catch(undefined),
  firstTimestamp: Text.nullable().catch(undefined),
  lastTimestamp: Text.nullable().catch(undefined),
  eventTime: Text.nullable().catch(undefined),
});
const EventList = z.looseObject({ items: z.array(Event.nullable().catch(null)).catch([]) });

/** `kubectl get events -o json` → the events, oldest first. Not a list: none. */
export function parseEvents(json: string): PodEvent[] {
  const parsed = EventList.safeParse(parseJson(json));
  if (!parsed.success) return [];
  const events = parsed.data.items.flatMap((e) => {
    if (!e) return [];
    // Events from the events.k8s.io API have eventTime/series instead of the core timestamps.
    const lastSeen = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? undefined;
    return [
      {
        ...(e.type ? { type: e.type } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
        ...(e.message ? { message: maskText(e.message) } : {}),
        count: e.series?.count ?? e.count ?? 1,
        ...(lastSeen ? { lastSeen } : {}),
      },
    ];
  });
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.lastSeen ?? '').localeCompare(b.e.lastSeen ?? '') || a.i - b.i)
    .map(({ e }) => e);
}

function logTail(stdout: string, lines: number): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .map((line) => maskText(line.length > 500 ? `${line.slice(0, 500)}…` : line));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- The cause and the summary line ----

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const CONTAINER_CONFIG = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** The most telling thing about a pod, or undefined when it could not be read at all. */
export function podCause(pod: Omit<PodDiagnostics, 'summary' | 'cause'>): PodCause | undefined {
  const found: PodCause[] = [];
  for (const c of pod.containers) {
    const container = { container: c.name, ...(c.image ? { image: c.image } : {}) };
    if (c.state === 'waiting' && c.reason && IMAGE_PULL.has(c.reason)) {
      found.push({ kind: 'image-pull', reason: c.reason, ...message(c.message), ...container });
    } else if (c.state === 'waiting' && c.reason && CONTAINER_CONFIG.has(c.reason)) {
      found.push({ kind: 'container-config', reason: c.reason, ...message(c.message), ...container });
    } else if (c.state === 'waiting' && c.reason === 'CrashLoopBackOff') {
      const last = c.lastTerminated;
      const previous = last ? `; last exit: ${last.reason ?? 'unknown'}${codeText(last.exitCode)}` : '';
      found.push({
        kind: last?.reason === 'OOMKilled' ? 'oom' : 'crash-loop',
        reason: last?.reason === 'OOMKilled' ? 'OOMKilled' : 'CrashLoopBackOff',
        message: `container ${c.name} keeps crashing (${c.restartCount ?? 0} restarts${previous})`,
        ...container,
        ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}),
      });
    } else if (c.state === 'terminated' && c.reason === 'OOMKilled') {
      found.push({
        kind: 'oom',
        reason: 'OOMKilled',
        message: `container ${c.name} was killed for exceeding its memory limit${codeText(c.exitCode)}`,
        ...container,
        ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      });
    } else if (c.state === 'terminated' && c.exitCode !== undefined && c.exitCode !== 0) {
      const said = c.message ? `: ${c.message}` : lastLogLine(pod, c.name);
      found.push({
        kind: 'exit',
        reason: c.reason ?? 'Error',
        message: `container ${c.name} exited with code ${c.exitCode}${said}`,
        ...container,
        exitCode: c.exitCode,
      });
    }
  }
  const unscheduled = pod.conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) {
    found.push({
      kind: 'unschedulable',
      reason: unscheduled.reason ?? 'Unschedulable',
      ...message(unscheduled.message),
    });
  }
  if (pod.reason) found.push({ kind: 'pod', reason: pod.reason, ...message(pod.message) });
  const warning = pod.events.filter((e) => e.type === 'Warning').at(-1);
  if (warning?.reason) found.push({ kind: 'event', reason: warning.reason, ...message(warning.message) });
  if (pod.phase) found.push({ kind: 'phase', reason: pod.phase });
  return found.sort((a, b) => CAUSE_RANK[a.kind] - CAUSE_RANK[b.kind])[0];
}

export const CAUSE_RANK: Readonly<Record<CauseKind, number>> = Object.fromEntries(
  CAUSE_KINDS.map((kind, i) => [kind, i]),
) as Record<CauseKind, number>;

/** `pod p: ImagePullBackOff — Back-off pulling image "…"`; `pod p: not inspected (…)`. */
export function summarisePod(pod: PodDiagnostics): string {
  const cause = pod.cause;
  if (!cause) return `pod ${pod.pod}: not inspected (${pod.notes[0] ?? 'no information'})`;
  return `pod ${pod.pod}: ${cause.reason}${cause.message ? ` — ${shorten(cause.message)}` : ''}`;
}

/** The pod whose cause says most (first such pod on a tie: callers pass the most telling pods first). */
export function mostTelling(pods: readonly PodDiagnostics[]): PodDiagnostics | undefined {
  let best: PodDiagnostics | undefined;
  for (const pod of pods) {
    if (!pod.cause) continue;
    if (!best?.cause || CAUSE_RANK[pod.cause.kind] < CAUSE_RANK[best.cause.kind]) best = pod;
  }
  return best;
}

/** The container's last log line (from `--prefix` output), quoted: what a failing component said last. */
function lastLogLine(pod: Omit<PodDiagnostics, 'summary' | 'cause'>, container: string): string {
  const prefix = `[pod/${pod.pod}/${container}] `;
  const line = pod.logTail.filter((l) => l.startsWith(prefix)).at(-1);
  return line ? `; last log line: ${line.slice(prefix.length).trim()}` : '';
}

const message = (text: string | undefined) => (text ? { message: text } : {});
const codeText = (code: number | undefined) => (code === undefined ? '' : ` (exit code ${code})`);
const shorten = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
