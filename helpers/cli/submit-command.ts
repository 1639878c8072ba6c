import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { HintedError } from '../checks/check.js';
import { parseParamEntries, preflightChecks, preflightContextOf } from '../checks/preflight/index.js';
import { diagnoseRunFailure, type RunFailureDiagnostics } from '../checks/submission/run-failure-diagnostics.js';
import { buildSubmitPlan, InvalidPlanError } from '../checks/submission/submit-plan.js';
import {
  describeRequest,
  experimentUrl,
  formatDuration,
  formatRequest,
  KfpApiError,
  type KfpClient,
  kfpClientFromConfig,
  pipelineVersionUrl,
  plannedRequests,
  type Run,
  RunWaitTimeoutError,
  runUrl,
  type SubmitPlan,
  type Submitted,
  submitRun,
  waitForRun,
} from '../clients/kfp/index.js';
import type { TaskDiagnostics } from '../clients/kfp/run-diagnostics.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Config } from '../config/schema.js';
import { NATIVE_PATHS, PROJECT_ROOT } from '../stack/project-paths.js';
import { action } from './action.js';
import { type CommandConfig, withClusterAccess } from './cluster-session.js';
import { addConfigOptions, type ConfigOptions, collect } from './config-options.js';
import { EXIT, err, out, paint } from './output.js';
import { printResult, runChecks } from './run-checks.js';
import { UsageError } from './usage-error.js';

/**
 * `kfp-e2e submit`: validate (config, package, parameters — the preflight checks), upload the
 * pipeline only when its content is new, get or create the experiment, create the run, and wait
 * for any terminal state. `--dry-run` prints the exact requests instead of sending them.
 */

interface SubmitOptions extends ConfigOptions {
  host?: string;
  pipeline?: string;
  compile?: boolean;
  pipelineName?: string;
  experiment?: string;
  run?: string;
  dataset?: string;
  identifier?: string;
  param: string[];
  pipelineRoot?: string;
  serviceAccount?: string;
  wait: boolean;
  timeout?: string;
  cancelOnTimeout?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

const HELP_AFTER = `
Settings also come from the environment (flags win), see \`kfp-e2e config --keys\`:
  KFP_HOST, KFP_UI_HOST (run links), KFP_PATH_PREFIX (e.g. /pipeline behind the ingress),
  KFP_NAMESPACE (sent only when the server runs multi-user), KFP_TOKEN or KFP_TOKEN_FILE,
  KFP_USER_ID_HEADER + KFP_USER_ID (multi-user identity), PIPELINE_PACKAGE, E2E_DATASET,
  E2E_IDENTIFIER, E2E_RUN_TIMEOUT_MS (--timeout), E2E_REQUEST_TIMEOUT_MS (each API call).

Uploads are idempotent: a version is named <pipeline>-<sha256[0:12]> of the package bytes and
its description records kfp-e2e:sha256=<hex>; the same package never creates a second version.

Exit codes: 0 run succeeded (or submitted, with --no-wait; or --dry-run valid), 1 run failed,
canceled or timed out, or a KFP API error, 2 usage, configuration, package or parameter error.`;

export function registerSubmitCommand(program: Command): void {
  addConfigOptions(
    program
      .command('submit')
      .description('upload the pipeline (only when changed), create a run in an experiment and wait for it')
      .option('--host <url>', 'KFP API base URL (default: $KFP_HOST / config kfp.host)')
      .option('--pipeline <file>', 'compiled pipeline package (default: $PIPELINE_PACKAGE / config pipeline.package)')
      .option('--compile', 'compile the PobleSec pipeline first (skipped when the YAML is newer than its .py files)')
      .option('--pipeline-name <name>', "the pipeline's name in KFP (default: pipelineInfo.name of the package)")
      .option('--experiment <name>', 'experiment to run in (created when absent; default: config run.experiment)')
      .option('--run <name>', 'run display name (default: <pipeline>-<identifier>-<UTC time>)')
      .option('--dataset <name>', 'the `dataset` run parameter (default: $E2E_DATASET)')
      .option('--identifier <id>', 'the `identifier` run parameter (default: $E2E_IDENTIFIER)')
      .option('--param <name=value>', 'a runtime parameter (repeatable; wins over --dataset/--identifier)', collect, [])
      .option('--pipeline-root <uri>', "where the run's artifacts go (default: the server's pipeline root)")
      .option('--service-account <name>', 'Kubernetes service account of the run (default: the server default)')
      .option('--wait', 'wait for a terminal state (default)', true)
      .option('--no-wait', 'return once the run is created')
      .option('--timeout <duration>', 'how long to wait: 900, 900s, 15m, 1h (default: $E2E_RUN_TIMEOUT_MS)')
      .option('--cancel-on-timeout', 'terminate the run when the wait times out')
      .option('--dry-run', 'validate everything and print the requests that would be sent; send nothing')
      .option('--json', 'print one JSON result on stdout (progress goes to stderr)')
      .addHelpText('after', HELP_AFTER),
  ).action(action((options: SubmitOptions) => submit(options)));
}

/** The result printed by `--json` (one document on stdout). */
interface SubmitResult {
  outcome: 'succeeded' | 'failed' | 'canceled' | 'skipped' | 'timeout' | 'submitted' | 'dry-run' | 'error' | 'invalid';
  exitCode: number;
  host: string;
  [key: string]: unknown;
}

async function submit(options: SubmitOptions): Promise<number> {
  const flags: Record<string, string> = {};
  if (options.host !== undefined) flags['kfp.host'] = options.host;
  if (options.dataset !== undefined) flags['run.dataset'] = options.dataset;
  if (options.identifier !== undefined) flags['run.identifier'] = options.identifier;
  if (options.timeout !== undefined) flags['timeouts.runMs'] = String(parseDuration(options.timeout));
  // A path given on the command line is relative to where the user is; the default, to the checkout.
  if (options.pipeline !== undefined) flags['pipeline.package'] = resolve(options.pipeline);
  return withClusterAccess(options, flags, (config) => submitWith(options, config));
}

async function submitWith(options: SubmitOptions, { resolved, resolveWith }: CommandConfig): Promise<number> {
  const packagePath = resolve(PROJECT_ROOT, resolved.config.pipeline.package);
  const log = options.json ? err : out;

  const status = options.compile ? compileStatus(packagePath) : undefined;
  if (status && !status.needed) log(`compile: skipped — ${status.reason}`);
  if (status?.needed && !options.dryRun) compilePipeline(packagePath, status.reason, log);
  if (!status?.needed || !options.dryRun) return validateAndSend(options, resolved, packagePath, log);

  // A dry run changes nothing: it compiles into a scratch file, validates that, and removes it.
  const scratchDir = mkdtempSync(join(tmpdir(), 'kfp-e2e-compile-'));
  try {
    const scratch = join(scratchDir, basename(packagePath));
    compilePipeline(scratch, `${status.reason}; dry run: into ${scratch}`, log);
    return await validateAndSend(options, resolveWith({ 'pipeline.package': scratch }), scratch, log);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Preflight, then the dry run or the submission and the wait. */
async function validateAndSend(
  options: SubmitOptions,
  resolved: ResolvedConfig,
  packagePath: string,
  log: (line: string) => void,
): Promise<number> {
  const config = resolved.config;
  if (!config.kfp.host) throw new UsageError('no KFP API configured: pass --host URL or set KFP_HOST');
  const base: Pick<SubmitResult, 'host'> = { host: config.kfp.host };

  // Everything that can be checked without the network, with the checks the preflight stage runs.
  const ctx = preflightContextOf(resolved, parseParamEntries(options.param), PROJECT_ROOT);
  const checks = await runChecks(preflightChecks, ctx, false);
  const failed = checks.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    if (options.json) {
      emitJson({ outcome: 'invalid', exitCode: EXIT.usage, ...base, preflight: failed });
    } else {
      err(`kfp-e2e submit: the submission is not valid (${failed.length} preflight check(s) failed); nothing was sent`);
      for (const check of failed) printResult(check);
    }
    return EXIT.usage;
  }
  let plan: SubmitPlan;
  try {
    plan = buildSubmitPlan(config, packagePath, ctx.params, {
      ...options,
      experiment: options.experiment ?? config.run.experiment,
    });
  } catch (error) {
    if (error instanceof InvalidPlanError) throw new UsageError(error.message);
    throw error;
  }

  if (options.dryRun) return dryRun(options, config, plan, base);

  const probe = kfpClientFromConfig(config);
  let client: KfpClient = probe;
  let runId: string | undefined;
  const ui = config.kfp.uiHost;
  try {
    const health = await probe.healthz();
    // Single-user servers want no namespace; multi-user ones scope everything by it.
    const multiUser = health.multi_user ?? false;
    if (multiUser) client = kfpClientFromConfig(config, { namespace: config.kfp.namespace });
    const server = { multiUser, ...(health.tag_name ? { tagName: health.tag_name } : {}) };
    log(
      `kfp-e2e submit → ${client.base} (${health.tag_name ? `KFP ${health.tag_name}, ` : ''}${multiUser ? `multi-user, namespace ${config.kfp.namespace}` : 'single-user'})`,
    );

    const submitted = await submitRun(client, plan);
    runId = submitted.run.run_id;
    const facts = describeSubmission(submitted, ui);
    printSubmission(log, submitted, facts.urls);
    if (!ui) log(paint('  (set KFP_UI_HOST for links into the KFP UI)', 'dim'));
    const result = { ...base, server, ...facts };

    if (!options.wait) {
      log(`submitted; not waiting (--no-wait). Follow it: ${facts.urls.run ?? `run id ${runId}`}`);
      if (options.json) emitJson({ outcome: 'submitted', exitCode: EXIT.ok, ...result });
      return EXIT.ok;
    }
    return await waitAndReport(client, submitted.run, config, options, result, log);
  } catch (error) {
    if (!(error instanceof HintedError)) throw error;
    return reportError(error, options, { ...base, ...(runId ? { run: { id: runId } } : {}) });
  } finally {
    await Promise.allSettled([probe.close(), client.close()]);
  }
}

function dryRun(options: SubmitOptions, config: Config, plan: SubmitPlan, base: Pick<SubmitResult, 'host'>): number {
  // Built by the real client and transport, so headers (token file included) and URLs are exact.
  const client = kfpClientFromConfig(config);
  try {
    const planned = plannedRequests(plan, { wait: options.wait });
    const requests = planned.map((p, i) => ({
      step: i + 1,
      when: p.when,
      ...describeRequest(client.transport, p.request),
    }));
    const note = `in a multi-user install (healthz multi_user=true) the pipeline and experiment requests also carry namespace=${config.kfp.namespace}`;
    if (options.json) {
      emitJson({ outcome: 'dry-run', exitCode: EXIT.ok, ...base, parameters: plan.parameters, note, requests });
      return EXIT.ok;
    }
    out(`dry run: nothing was sent. kfp-e2e submit would send these requests to ${client.base}:`);
    for (const r of requests) {
      out(`\n${r.step}. ${paint(r.when, 'dim')}`);
      for (const line of formatRequest(r)) out(`   ${line}`);
    }
    out(`\nnote: ${note}`);
    out(`valid: configuration, package ${plan.filename} and ${Object.keys(plan.parameters).length} parameter(s)`);
    return EXIT.ok;
  } finally {
    void client.close();
  }
}

interface Facts {
  pipeline: { id: string; name: string; created: boolean };
  version: { id: string; name: string; created: boolean; reason: string; sha256: string };
  experiment: { id: string; name: string; created: boolean };
  run: { id: string; name: string; state?: string };
  urls: { run?: string; experiment?: string; pipelineVersion?: string };
}

function describeSubmission(s: Submitted, ui: string | undefined): Facts {
  const { pipeline, version } = s.ensured;
  return {
    pipeline: {
      id: pipeline.pipeline_id,
      name: pipeline.name ?? pipeline.display_name ?? '',
      created: s.ensured.pipelineCreated,
    },
    version: {
      id: version.pipeline_version_id,
      name: version.name ?? version.display_name ?? '',
      created: s.ensured.created,
      reason: s.ensured.reason,
      sha256: s.ensured.sha256,
    },
    experiment: { id: s.experiment.experiment_id, name: s.experiment.display_name ?? '', created: s.experimentCreated },
    run: { id: s.run.run_id, name: s.run.display_name ?? '', ...(s.run.state ? { state: s.run.state } : {}) },
    urls: ui
      ? {
          run: runUrl(ui, s.run.run_id),
          experiment: experimentUrl(ui, s.experiment.experiment_id),
          pipelineVersion: pipelineVersionUrl(ui, pipeline.pipeline_id, version.pipeline_version_id),
        }
      : {},
  };
}

function printSubmission(log: (line: string) => void, s: Submitted, urls: Facts['urls']): void {
  const { pipeline, version } = s.ensured;
  const row = (label: string, text: string) => log(`  ${label.padEnd(11)}${text}`);
  row(
    'pipeline',
    `${pipeline.name ?? pipeline.display_name} (${s.ensured.pipelineCreated ? 'new' : 'existing'})  id ${pipeline.pipeline_id}`,
  );
  row(
    'version',
    `${version.name ?? version.display_name} (${s.ensured.created ? 'new' : 'reused'}: ${s.ensured.reason})  id ${version.pipeline_version_id}`,
  );
  row(
    'experiment',
    `${s.experiment.display_name} (${s.experimentCreated ? 'new' : 'existing'})  id ${s.experiment.experiment_id}`,
  );
  row('run', `${s.run.display_name}  id ${s.run.run_id}`);
  if (urls.run) row('run UI', urls.run);
  if (urls.pipelineVersion) row('version UI', urls.pipelineVersion);
}

async function waitAndReport(
  client: KfpClient,
  created: Run,
  config: Config,
  options: SubmitOptions,
  result: { host: string; server: Record<string, unknown> } & Facts,
  log: (line: string) => void,
): Promise<number> {
  const timeoutMs = config.timeouts.runMs;
  const runId = created.run_id;
  log(`waiting for run ${runId} (timeout ${formatDuration(timeoutMs)}) …`);
  let heartbeat = 0;
  let waited = 0;
  let run: Run;
  try {
    run = await waitForRun(client, runId, {
      timeoutMs,
      onProgress: (p) => {
        waited = p.elapsedMs;
        // State changes always; otherwise a line every 30 s so a long task does not look hung.
        if (!p.changed && p.elapsedMs - heartbeat < 30_000 && !p.pollError) return;
        heartbeat = p.elapsedMs;
        const tasks = Object.entries(p.tasks).map(([state, n]) => `${n} ${state}`);
        const extra = p.pollError
          ? `  (poll failed, retrying: ${p.pollError})`
          : tasks.length
            ? `  (tasks: ${tasks.join(', ')})`
            : '';
        log(`  ${formatDuration(p.elapsedMs).padEnd(8)}${p.state}${extra}`);
      },
    });
  } catch (error) {
    if (!(error instanceof RunWaitTimeoutError)) throw error;
    let canceled = '';
    if (options.cancelOnTimeout) {
      try {
        await client.terminateRun(runId);
        canceled = 'terminated (--cancel-on-timeout)';
      } catch (terminateError) {
        canceled = `could not terminate it: ${(terminateError as Error).message}`;
      }
    }
    const still = canceled || 'it is still running on the server (--cancel-on-timeout terminates it)';
    // Still going at the deadline: the unfinished tasks' pods usually say why (an image not pulled).
    const diagnosis = await diagnoseRunFailure(error.lastRun, { config });
    const hint = diagnosis.hint ?? error.hint ?? '';
    return finish(
      options,
      log,
      {
        outcome: 'timeout',
        exitCode: EXIT.checksFailed,
        ...result,
        run: { ...result.run, state: error.lastState },
        diagnostics: diagnosis.diagnostics,
      },
      [
        paint(`✗ ${error.message}`, 'red'),
        `  ${still}`,
        ...diagnosisLines(diagnosis.diagnostics),
        ...(result.urls.run ? [`  UI: ${result.urls.run}`] : []),
        `${paint('hint:', 'yellow')} ${hint}`,
      ],
      { error: error.message, hint, note: still },
    );
  }

  const state = run.state ?? 'UNKNOWN';
  const elapsed = elapsedOf(run);
  const final = { ...result, run: { ...result.run, state, ...(elapsed !== undefined ? { elapsedMs: elapsed } : {}) } };
  const took = elapsed !== undefined ? ` in ${formatDuration(elapsed)}` : ` after ${formatDuration(waited)} of waiting`;
  if (state === 'SUCCEEDED') {
    return finish(options, log, { outcome: 'succeeded', exitCode: EXIT.ok, ...final }, [
      paint(`✓ run ${runId} SUCCEEDED${took}`, 'green'),
    ]);
  }
  const diagnosis = await diagnoseRunFailure(run, { config });
  const outcome = state === 'CANCELED' ? 'canceled' : state === 'SKIPPED' ? 'skipped' : 'failed';
  const hint =
    state === 'CANCELED'
      ? 'someone (or a timeout policy) terminated the run — check who in the KFP UI, then submit again'
      : (diagnosis.hint ??
        'open the run in the KFP UI for the failed task and its logs (or `kubectl logs -n <namespace> <pod>`); `kfp-e2e probe` checks the services the pipeline needs');
  return finish(
    options,
    log,
    { outcome, exitCode: EXIT.checksFailed, ...final, diagnostics: diagnosis.diagnostics },
    [
      paint(
        `✗ run ${runId} ${state}${took} (expected SUCCEEDED)${run.error?.message ? `: ${run.error.message}` : ''}`,
        'red',
      ),
      ...diagnosisLines(diagnosis.diagnostics),
      ...(result.urls.run ? [`  UI: ${result.urls.run}`] : []),
      `${paint('hint:', 'yellow')} ${hint}`,
    ],
    { ...(run.error?.message ? { error: run.error.message } : {}), hint },
  );
}

/** One line per failed or unfinished task, then one per inspected pod (cluster target). */
function diagnosisLines(diagnostics: RunFailureDiagnostics): string[] {
  const task = (t: TaskDiagnostics) =>
    `  task ${t.name} ${t.state}${t.podNames.length ? ` (pod ${t.podNames.join(', ')})` : ''}${t.error ? `: ${t.error}` : ''}`;
  return [
    ...diagnostics.failedTasks.map(task),
    ...(diagnostics.unfinishedTasks ?? []).map(task),
    ...(diagnostics.pods ?? []).map((pod) => `  ${pod.summary}`),
    ...(diagnostics.notes ?? []).map((note) => `  note: ${note}`),
  ];
}

function finish(
  options: SubmitOptions,
  log: (line: string) => void,
  result: SubmitResult,
  lines: string[],
  extra: Record<string, unknown> = {},
): number {
  if (options.json) {
    for (const line of lines) err(line);
    emitJson({ ...result, ...extra });
  } else {
    for (const line of lines) log(line);
  }
  return result.exitCode;
}

/** An API or network error: the message, its hint, and where to look next. Exit 1. */
function reportError(
  error: HintedError,
  options: SubmitOptions,
  base: Record<string, unknown> & { host: string },
): number {
  const tip = troubleshootingTip(error);
  const fields =
    error instanceof KfpApiError
      ? {
          endpoint: error.endpoint,
          ...(error.status !== undefined ? { status: error.status } : {}),
          ...(error.grpcStatus ? { grpcStatus: error.grpcStatus } : {}),
        }
      : {};
  if (options.json) {
    emitJson({
      outcome: 'error',
      exitCode: EXIT.checksFailed,
      ...base,
      error: error.message,
      hint: error.hint,
      tip,
      ...fields,
    });
  } else {
    err(paint(`✗ kfp-e2e submit: ${error.message}`, 'red'));
    if (error.hint) err(`${paint('hint:', 'yellow')} ${error.hint}`);
    err(`${paint('tip:', 'dim')} ${tip}`);
  }
  return EXIT.checksFailed;
}

function troubleshootingTip(error: HintedError): string {
  if (error instanceof KfpApiError && error.kind === 'network') {
    return '`kfp-e2e probe` checks DNS, TCP and healthz of every configured endpoint; `kfp-e2e config` shows where KFP_HOST came from';
  }
  if (error instanceof KfpApiError && (error.status === 401 || error.status === 403)) {
    return '`kfp-e2e config` shows the kfp.* settings in effect (secrets masked) and their sources';
  }
  return '`kfp-e2e submit --dry-run` prints the exact requests; KFP_E2E_DEBUG=1 adds stack traces';
}

function emitJson(result: Record<string, unknown>): void {
  out(JSON.stringify(result, null, 2));
}

function elapsedOf(run: Run): number | undefined {
  if (!run.created_at || !run.finished_at) return undefined;
  const ms = Date.parse(run.finished_at) - Date.parse(run.created_at);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** `20250102-030405` (UTC): run names sort by time and stay unique per second. */
/** `900` (seconds), `900s`, `15m`, `1.5h`, `500ms` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
  const ms = match ? Math.round(Number(match[1]) * unit[(match[2] ?? 's') as keyof typeof unit]) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`--timeout expects a positive duration such as 900, 900s, 15m or 1h, got "${text}"`);
  }
  return ms;
}

/** The PobleSec sources the reference package is compiled from. */
const POBLESEC_DIR = join(PROJECT_ROOT, 'fixtures', 'poblesec');
const POBLESEC_PACKAGE = join(POBLESEC_DIR, 'poblesec');

/** Whether the package must be compiled: missing, or older than one of the pipeline's .py files. */
export function compileStatus(
  packagePath: string,
  sourceDir: string = POBLESEC_PACKAGE,
): { needed: boolean; reason: string } {
  if (!existsSync(packagePath)) return { needed: true, reason: `${basename(packagePath)} does not exist` };
  const yamlTime = statSync(packagePath).mtimeMs;
  const newer = pythonFiles(sourceDir).filter((file) => statSync(file).mtimeMs > yamlTime);
  if (newer.length > 0) {
    return {
      needed: true,
      reason: `${basename(packagePath)} is older than ${newer.map((f) => basename(f)).join(', ')}`,
    };
  }
  return { needed: false, reason: `${basename(packagePath)} is newer than every .py file of the pipeline package` };
}

function pythonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const COMPILE_TIMEOUT_MS = 300_000;

function compilePipeline(output: string, reason: string, log: (line: string) => void): void {
  const python = NATIVE_PATHS.python;
  if (!existsSync(python)) {
    throw new UsageError(
      `--compile needs the project virtualenv (${python}), which does not exist: run \`npm run setup\``,
    );
  }
  log(`compile: ${reason} — python -m poblesec.compile --output ${output}`);
  const result = spawnSync(python, ['-m', 'poblesec.compile', '--output', output], {
    cwd: POBLESEC_DIR,
    encoding: 'utf8',
    timeout: COMPILE_TIMEOUT_MS,
  });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    const tail = `${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new UsageError(`compiling the pipeline failed (${why})${tail ? `:\n${tail}` : ''}`);
  }
}
