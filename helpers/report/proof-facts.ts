import { meets, parseComparison } from '../checks/contract/mlflow-contract-checks.js';
import { STAGES, type Stage } from '../checks/stage.js';
import { maskDeep } from '../config/mask.js';
import type { CheckResult, CheckStatus, ValidationReport, Versions } from './schema.js';

/**
 * What a person wants to know from a validation report — did it pass, what broke and what to try,
 * which run, which artifacts, which model, how fast — derived once, so the Markdown summary and
 * the HTML page say the same thing. Every section tolerates a report that stopped early: it is
 * either reached (with what was observed) or not, with a note saying why.
 */

export type Section<T> = { reached: true; value: T } | { reached: false; note: string };

export type VerdictStatus = 'passed' | 'failed' | 'empty';

export interface Verdict {
  status: VerdictStatus;
  label: 'PASSED' | 'FAILED' | 'NO CHECKS';
  /** One line: how many checks passed/failed/skipped, where it failed, which stages were not reached. */
  headline: string;
}

export type StageStatus = CheckStatus | 'not reached';

export interface StageFacts {
  stage: Stage;
  status: StageStatus;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Sum of the checks' durations. */
  checksMs: number;
  /** From the first check's start to the last one's end; only when every check recorded its start. */
  wallMs?: number;
  /** Why the stage did not run (not reached, or every check skipped). */
  note?: string;
}

export interface FailedCheck {
  id: string;
  stage: Stage;
  title: string;
  error: string;
  hint?: string;
  durationMs: number;
}

export interface CheckRef {
  id: string;
  title: string;
  status: CheckStatus;
}

export interface RunFacts {
  /** `run`: the report's run section (the submission stage's handoff); `evidence`: the submission checks. */
  source: 'run' | 'evidence';
  runId: string;
  displayName?: string;
  state?: string;
  pipelineId?: string;
  pipelineName?: string;
  versionId?: string;
  experimentId?: string;
  experimentName?: string;
  parameters?: Record<string, unknown>;
  submittedAt?: string;
  finishedAt?: string;
  waitedMs?: number;
  uiUrl?: string;
  tasks?: { name: string; state: string }[];
}

export interface ArtifactFacts {
  name: string;
  checkId: string;
  status: CheckStatus;
  format?: string;
  bucket?: string;
  key?: string;
  uri?: string;
  sizeBytes?: number;
  /** Data rows (CSV objects only). */
  rows?: number;
  /** Number of columns (CSV) or top-level fields (JSON). */
  fields?: number;
  lastModified?: string;
}

export interface MetricFact {
  name: string;
  value: number | null;
  /** The contract's bound, e.g. `<= 6.0`. */
  bound?: string;
  /** Whether the value honours the bound; absent when either is unknown. */
  within?: boolean;
}

export interface MlflowFacts {
  checks: CheckRef[];
  runId?: string;
  runStatus?: string;
  runName?: string;
  experiment?: string;
  experimentId?: string;
  params: Record<string, unknown>;
  metrics: MetricFact[];
  registeredModel?: string;
  modelVersion?: string;
  modelVersionStatus?: string;
  alias?: string;
  aliasVersion?: string;
}

export interface LatencyFacts {
  requests?: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  budgetP95Ms?: number;
}

export interface GatewayFacts {
  checks: CheckRef[];
  endpoint?: string;
  healthStatus?: string;
  modelName?: string;
  servedVersion?: string;
  pointerVersion?: string;
  lastError?: string;
  predictLatencyMs?: number;
  latency?: LatencyFacts;
}

export interface EnvironmentFacts {
  target: ValidationReport['target'];
  stackProvider: string;
  versions: Versions;
  /** The resolved configuration, secrets masked. */
  config: Record<string, unknown>;
  sources: Record<string, string>;
  startedAt: string;
  finishedAt: string;
}

export interface DurationFacts {
  totalMs: number;
  /** Sum of all checks' durations (less than the total: setup, teardown, Vitest itself). */
  checksMs: number;
  /** The slowest checks, slowest first. */
  slowest: (CheckRef & { durationMs: number })[];
}

export interface ProofFacts {
  /** The report as rendered: masked again, in case it came from somewhere else. */
  report: ValidationReport;
  verdict: Verdict;
  stages: StageFacts[];
  failed: FailedCheck[];
  /** Every check: the failed ones first, then the others in report order. */
  checks: CheckResult[];
  run: Section<RunFacts>;
  artifacts: Section<ArtifactFacts[]>;
  mlflow: Section<MlflowFacts>;
  gateway: Section<GatewayFacts>;
  environment: EnvironmentFacts;
  durations: DurationFacts;
}

const SLOWEST = 5;
const OBJECT_CHECK = /^contract\.object-(.+)\.valid$/;

export function proofFacts(input: ValidationReport): ProofFacts {
  // A report handed to `kfp-e2e report` may come from anywhere: mask it again (masking is idempotent).
  const report = maskDeep(input);
  const stages = STAGES.map((stage) => stageFacts(report, stage));
  const failed = report.checks
    .filter((c) => c.status === 'failed')
    .map((c) => ({
      id: c.id,
      stage: c.stage,
      title: c.title,
      error: c.error ?? 'failed (no error message recorded)',
      ...(c.hint ? { hint: c.hint } : {}),
      durationMs: c.durationMs,
    }));
  const checksMs = report.checks.reduce((sum, c) => sum + c.durationMs, 0);
  return {
    report,
    verdict: verdictOf(report, stages),
    stages,
    failed,
    checks: [
      ...report.checks.filter((c) => c.status === 'failed'),
      ...report.checks.filter((c) => c.status !== 'failed'),
    ],
    run: runFacts(report, stages),
    artifacts: artifactFacts(report, stages),
    mlflow: mlflowFacts(report, stages),
    gateway: gatewayFacts(report, stages),
    environment: {
      target: report.target,
      stackProvider: report.stackProvider,
      versions: report.environment.versions,
      config: report.environment.config,
      sources: report.environment.sources,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
    },
    durations: {
      totalMs: report.durationMs,
      checksMs: round1(checksMs),
      slowest: [...report.checks]
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, SLOWEST)
        .map((c) => ({ ...ref(c), durationMs: c.durationMs })),
    },
  };
}

function stageFacts(report: ValidationReport, stage: Stage): StageFacts {
  const checks = report.checks.filter((c) => c.stage === stage);
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  const [passed, failed, skipped] = [count('passed'), count('failed'), count('skipped')];
  const status: StageStatus =
    checks.length === 0 ? 'not reached' : failed > 0 ? 'failed' : skipped === checks.length ? 'skipped' : 'passed';
  const facts: StageFacts = {
    stage,
    status,
    total: checks.length,
    passed,
    failed,
    skipped,
    checksMs: round1(checks.reduce((sum, c) => sum + c.durationMs, 0)),
  };
  const starts = checks.map((c) => (c.startedAt ? Date.parse(c.startedAt) : Number.NaN));
  if (checks.length > 0 && starts.every((s) => !Number.isNaN(s))) {
    const first = Math.min(...starts);
    const last = Math.max(...checks.map((c, i) => (starts[i] as number) + c.durationMs));
    facts.wallMs = round1(last - first);
  }
  if (status === 'not reached') facts.note = `the ${stage} stage is not in this report`;
  if (status === 'skipped') facts.note = checks[0]?.reason ?? 'every check was skipped';
  return facts;
}

function verdictOf(report: ValidationReport, stages: StageFacts[]): Verdict {
  const total = report.checks.length;
  const n = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  const [passed, failed, skipped] = [n('passed'), n('failed'), n('skipped')];
  const notReached = stages.filter((s) => s.status === 'not reached').map((s) => s.stage);
  const tail = [
    skipped > 0 ? `${skipped} skipped` : '',
    notReached.length > 0 ? `not reached: ${notReached.join(', ')}` : '',
  ].filter(Boolean);
  const rest = tail.length > 0 ? `; ${tail.join('; ')}` : '';
  if (total === 0) return { status: 'empty', label: 'NO CHECKS', headline: 'the report holds no check' };
  if (failed > 0) {
    const where = stages.filter((s) => s.status === 'failed').map((s) => s.stage);
    return {
      status: 'failed',
      label: 'FAILED',
      headline: `${failed} of ${total} check${total === 1 ? '' : 's'} failed (${where.join(', ')})${rest}`,
    };
  }
  const head =
    passed === total ? `all ${total} check${total === 1 ? '' : 's'} passed` : `${passed} of ${total} checks passed`;
  return { status: 'passed', label: 'PASSED', headline: `${head}${rest}` };
}

/** Why a section has nothing to show: its stage did not run, was skipped, or stopped before it. */
function notReached(stages: StageFacts[], stage: Stage, stopped: string): { reached: false; note: string } {
  const facts = stages.find((s) => s.stage === stage);
  if (!facts || facts.status === 'not reached')
    return { reached: false, note: `not reached: the ${stage} stage did not run` };
  if (facts.status === 'skipped') return { reached: false, note: `not reached: ${facts.note}` };
  return { reached: false, note: `not reached: ${stopped}` };
}

function runFacts(report: ValidationReport, stages: StageFacts[]): Section<RunFacts> {
  const evidence = (id: string) => report.checks.find((c) => c.id === id)?.evidence ?? {};
  const uploaded = evidence('submission.pipeline.uploaded');
  const experiment = evidence('submission.experiment.present');
  const created = evidence('submission.run.created');
  const finished = evidence('submission.run.succeeded');
  const fromEvidence: Omit<RunFacts, 'source' | 'runId'> = prune({
    displayName: str(created.displayName),
    state: str(finished.state) ?? str(created.state),
    pipelineId: str(uploaded.pipelineId),
    pipelineName: str(uploaded.pipelineName),
    versionId: str(uploaded.versionId),
    experimentId: str(experiment.experimentId),
    experimentName: str(experiment.experimentName),
    parameters: record(created.sent),
    waitedMs: num(finished.waitedMs),
    uiUrl: str(finished.uiUrl),
    tasks: tasksOf(finished.tasks),
  });
  const run = report.run;
  if (run) {
    // The handoff is the authority; the evidence adds what it does not carry (names, tasks).
    return {
      reached: true,
      value: { ...fromEvidence, source: 'run', ...prune({ ...run }) },
    };
  }
  const runId = str(finished.runId) ?? str(created.runId);
  if (runId) return { reached: true, value: { ...fromEvidence, source: 'evidence', runId } };
  const failed = report.checks.find((c) => c.stage === 'submission' && c.status === 'failed');
  return notReached(stages, 'submission', failed ? `no run was created (${failed.id} failed)` : 'no run was created');
}

function artifactFacts(report: ValidationReport, stages: StageFacts[]): Section<ArtifactFacts[]> {
  const checks = report.checks.filter((c) => OBJECT_CHECK.test(c.id));
  if (checks.length === 0 || checks.every((c) => c.status === 'skipped')) {
    return notReached(stages, 'contract', checks[0]?.reason ?? 'no contract.object-* check in this report');
  }
  return {
    reached: true,
    value: checks.map((check) => {
      const e = check.evidence;
      const columns = Array.isArray(e.columns) ? e.columns.length : undefined;
      const fields = Array.isArray(e.fields) ? e.fields.length : undefined;
      return {
        name: str(e.object) ?? (OBJECT_CHECK.exec(check.id)?.[1] as string),
        checkId: check.id,
        status: check.status,
        ...prune({
          format: str(e.format),
          bucket: str(e.bucket),
          key: str(e.key),
          uri: str(e.uri),
          sizeBytes: num(e.size) ?? num(e.bytes),
          rows: num(e.rows),
          fields: columns ?? fields,
          lastModified: str(e.lastModified),
        }),
      };
    }),
  };
}

function mlflowFacts(report: ValidationReport, stages: StageFacts[]): Section<MlflowFacts> {
  const checks = report.checks.filter((c) => c.id.startsWith('contract.mlflow.'));
  if (checks.length === 0 || checks.every((c) => c.status === 'skipped')) {
    return notReached(stages, 'contract', checks[0]?.reason ?? 'no contract.mlflow.* check in this report');
  }
  const evidence = (property: string) => checks.find((c) => c.id === `contract.mlflow.${property}`)?.evidence ?? {};
  const run = evidence('run-finished');
  const registered = evidence('registered-version');
  const alias = evidence('alias');
  const metrics: MetricFact[] = [];
  for (const [name, value] of Object.entries(record(evidence('metrics-thresholds').metrics) ?? {})) {
    const m = record(value) ?? {};
    const [metricValue, bound] = [num(m.value) ?? null, str(m.bound)];
    metrics.push({ name, value: metricValue, ...prune({ bound, within: withinBound(metricValue, bound) }) });
  }
  for (const [name, value] of Object.entries(record(evidence('metrics-match-pointer').metrics) ?? {})) {
    if (!metrics.some((m) => m.name === name)) metrics.push({ name, value: num(record(value)?.mlflow) ?? null });
  }
  return {
    reached: true,
    value: {
      checks: checks.map(ref),
      params: record(evidence('params-present').params) ?? {},
      metrics,
      ...prune({
        runId: str(run.runId) ?? str(evidence('params-present').runId),
        runStatus: str(run.status),
        runName: str(run.runName),
        experiment: str(run.experiment),
        experimentId: str(run.experimentId),
        registeredModel: str(registered.registeredModel) ?? str(alias.registeredModel),
        modelVersion: str(registered.pointerVersion) ?? str(alias.pointerVersion),
        modelVersionStatus: str(registered.status),
        alias: str(alias.alias),
        aliasVersion: str(alias.aliasVersion),
      }),
    },
  };
}

function gatewayFacts(report: ValidationReport, stages: StageFacts[]): Section<GatewayFacts> {
  const checks = report.checks.filter((c) => c.id.startsWith('contract.gateway.'));
  if (checks.length === 0 || checks.every((c) => c.status === 'skipped')) {
    return notReached(stages, 'contract', checks[0]?.reason ?? 'no contract.gateway.* check in this report');
  }
  const evidence = (property: string) => checks.find((c) => c.id === `contract.gateway.${property}`)?.evidence ?? {};
  const health = evidence('health');
  const body = record(health.body) ?? {};
  const serves = evidence('serves-pointer-version');
  const predict = evidence('predict');
  const latency = evidence('latency');
  const latencyFacts: LatencyFacts = prune({
    requests: num(latency.requests),
    p50Ms: num(latency.p50Ms),
    p95Ms: num(latency.p95Ms),
    maxMs: num(latency.maxMs),
    budgetP95Ms: num(latency.budgetP95Ms),
  });
  return {
    reached: true,
    value: {
      checks: checks.map(ref),
      ...prune({
        endpoint: str(health.endpoint) ?? str(serves.endpoint) ?? str(predict.endpoint) ?? str(latency.endpoint),
        healthStatus: str(body.status),
        modelName: str(body.model_name),
        servedVersion: str(serves.servedVersion) ?? str(body.model_version),
        pointerVersion: str(serves.pointerVersion),
        lastError: str(body.last_error),
        predictLatencyMs: num(predict.latencyMs),
        latency: Object.keys(latencyFacts).length > 0 ? latencyFacts : undefined,
      }),
    },
  };
}

/** The same comparison the metrics check made, so the page can point at the metric that missed. */
function withinBound(value: number | null, bound: string | undefined): boolean | undefined {
  if (value === null || bound === undefined) return undefined;
  try {
    const { op, bound: limit } = parseComparison(bound);
    return meets(value, op, limit);
  } catch {
    return undefined;
  }
}

function ref(check: CheckResult): CheckRef {
  return { id: check.id, title: check.title, status: check.status };
}

function tasksOf(value: unknown): RunFacts['tasks'] {
  if (!Array.isArray(value)) return undefined;
  const tasks = value
    .map((t) => record(t))
    .filter((t): t is Record<string, unknown> => t !== undefined)
    .map((t) => ({ name: str(t.name) ?? '?', state: str(t.state) ?? '?' }));
  return tasks.length > 0 ? tasks : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Drops the keys whose value is undefined, so optional facts are absent rather than undefined. */
function prune<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
