import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { utcStamp } from '../../helpers/checks/submission/submit-plan.js';
import { compileStatus, parseDuration } from '../../helpers/cli/submit-command.js';
import { type FakeKfp, type FakeKfpOptions, startFakeKfp } from '../../helpers/clients/kfp/fake-kfp.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';

/**
 * `kfp-e2e submit` as a user runs it: a child process against an in-process fake KFP API (so the
 * child is spawned asynchronously — the fake must keep answering while it runs).
 */
interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/kfp-e2e.mjs'), 'submit', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Temp dirs made by a test, removed after it. */
const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const fakes: FakeKfp[] = [];
async function fake(options: FakeKfpOptions = {}): Promise<FakeKfp> {
  const server = await startFakeKfp(options);
  fakes.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const SLOW = { timeout: 45_000 };

describe('kfp-e2e submit --dry-run', () => {
  it('prints the exact requests, sends nothing and exits 0', SLOW, async () => {
    const run = await cli(['--dry-run', '--host', 'http://127.0.0.1:9']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('dry run: nothing was sent');
    expect(run.stdout).toContain('GET http://127.0.0.1:9/apis/v2beta1/healthz');
    expect(run.stdout).toMatch(
      /POST http:\/\/127\.0\.0\.1:9\/apis\/v2beta1\/pipelines\/upload\?name=poblesec-forecast/,
    );
    expect(run.stdout).toMatch(/uploadfile=pipeline\.yaml \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    expect(run.stdout).toContain('POST http://127.0.0.1:9/apis/v2beta1/runs');
    expect(run.stdout).toContain('"identifier": "kfp-e2e"');
    expect(run.stdout).toContain('GET http://127.0.0.1:9/apis/v2beta1/runs/<run_id>');
  });

  it('really sends nothing, and masks the token in the printed headers', SLOW, async () => {
    const server = await fake();
    const run = await cli(['--dry-run', '--json', '--param', 'rows=100'], {
      KFP_HOST: server.url,
      KFP_TOKEN: 'tok-never-print-me',
      KFP_USER_ID_HEADER: 'kubeflow-userid',
      KFP_USER_ID: 'me@example.com',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(run.stdout + run.stderr).not.toContain('tok-never-print-me');
    const result = JSON.parse(run.stdout) as {
      outcome: string;
      parameters: Record<string, unknown>;
      requests: Array<{ method: string; url: string; headers: Record<string, string> }>;
    };
    expect(result.outcome).toBe('dry-run');
    // Typed as the pipeline declares them: rows is NUMBER_INTEGER.
    expect(result.parameters).toEqual({ dataset: 'PobleSec', identifier: 'kfp-e2e', rows: 100 });
    expect(result.requests[0]?.headers).toMatchObject({ authorization: '***', 'kubeflow-userid': 'me@example.com' });
  });
});

describe('kfp-e2e submit --compile', () => {
  it('skips compiling when the YAML is newer than every .py file of the pipeline', SLOW, async () => {
    const dir = scratch('submit-compile-');
    const yaml = join(dir, 'pipeline.yaml');
    copyFileSync(join(PROJECT_ROOT, 'fixtures/poblesec/pipeline.yaml'), yaml);
    const future = Date.now() / 1000 + 3600;
    utimesSync(yaml, future, future);
    const run = await cli(['--compile', '--dry-run', '--pipeline', yaml, '--host', 'http://127.0.0.1:9']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'compile: skipped — pipeline.yaml is newer than every .py file of the pipeline package',
    );
  });
});

describe('kfp-e2e submit against a KFP API', () => {
  it('uploads, runs, waits for SUCCEEDED and prints ids and the UI link; exit 0', SLOW, async () => {
    const server = await fake({ runStates: ['RUNNING', 'SUCCEEDED'] });
    const env = { KFP_HOST: server.url, KFP_UI_HOST: 'http://ui.example' };
    const run = await cli(['--experiment', 'e2e-cli', '--run', 'cli-run-1'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const runId = server.runs[0]?.run_id ?? '';
    expect(run.stdout).toMatch(/pipeline\s+poblesec-forecast \(new\)\s+id pipeline-/);
    expect(run.stdout).toMatch(/experiment\s+e2e-cli \(new\)/);
    expect(run.stdout).toContain(`run UI     http://ui.example/#/runs/details/${runId}`);
    expect(run.stdout).toContain(`✓ run ${runId} SUCCEEDED`);

    // The same package again: nothing is uploaded, the experiment is reused.
    const again = await cli(['--experiment', 'e2e-cli', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as Record<string, { created?: boolean; id?: string; state?: string }> & {
      outcome: string;
      urls: Record<string, string>;
    };
    expect(result.outcome).toBe('succeeded');
    expect(result.version).toMatchObject({ created: false });
    expect(result.experiment).toMatchObject({ created: false });
    expect(result.run).toMatchObject({ state: 'SUCCEEDED' });
    expect(result.urls.pipelineVersion).toMatch(
      /^http:\/\/ui\.example\/#\/pipelines\/details\/pipeline-\d+\/version\/version-\d+$/,
    );
    expect(server.versions).toHaveLength(1);
    expect(server.runs).toHaveLength(2);
    // Progress goes to stderr in --json mode, so stdout stays one JSON document.
    expect(again.stderr).toMatch(/waiting for run/);
  });

  it('a FAILED run exits 1 with the state and a hint', SLOW, async () => {
    const server = await fake({ runStates: ['RUNNING', 'FAILED'] });
    const run = await cli([], { KFP_HOST: server.url });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ run run-\d+ FAILED.*\(expected SUCCEEDED\)/);
    expect(run.stdout).toMatch(/hint: open the run in the KFP UI/);
  });

  it('a CANCELED run exits 1 and does not hang', SLOW, async () => {
    const server = await fake({ runStates: ['CANCELING', 'CANCELED'] });
    const run = await cli(['--json'], { KFP_HOST: server.url });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'canceled', exitCode: 1, run: { state: 'CANCELED' } });
  });

  it('--no-wait exits 0 once the run exists, without polling it', SLOW, async () => {
    const server = await fake({ runStates: ['RUNNING'] });
    const run = await cli(['--no-wait', '--json'], { KFP_HOST: server.url });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'submitted', exitCode: 0 });
    expect(server.requests.filter((r) => r.method === 'GET' && /\/runs\/run-/.test(r.url))).toHaveLength(0);
  });

  it('a wait that times out exits 1, names the last state and terminates with --cancel-on-timeout', SLOW, async () => {
    const server = await fake({ runStates: ['RUNNING'] });
    const run = await cli(['--timeout', '2s', '--cancel-on-timeout', '--json'], { KFP_HOST: server.url });
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { outcome: string; error: string; note: string };
    expect(result.outcome).toBe('timeout');
    expect(result.error).toMatch(/last state seen: RUNNING/);
    expect(result.note).toBe('terminated (--cancel-on-timeout)');
    expect(server.runs[0]?.terminated).toBe(true);
  });

  it('sends the namespace when the server runs multi-user', SLOW, async () => {
    const server = await fake({ multiUser: true, runStates: ['SUCCEEDED'] });
    const run = await cli([], { KFP_HOST: server.url, KFP_NAMESPACE: 'kubeflow-user-example-com' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('multi-user, namespace kubeflow-user-example-com');
    expect(server.experiments[0]?.namespace).toBe('kubeflow-user-example-com');
    expect(server.pipelines[0]?.namespace).toBe('kubeflow-user-example-com');
  });

  it('an API error exits 1 with the server message, a hint and a tip', SLOW, async () => {
    const server = await fake();
    server.failNext('POST', /\/pipelines\/upload$/, 403, 'RBAC: access denied');
    const run = await cli([], { KFP_HOST: server.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /✗ kfp-e2e submit: POST .*\/pipelines\/upload: expected the uploaded KFP pipeline, saw HTTP 403: RBAC: access denied/,
    );
    expect(run.stderr).toMatch(/hint: authenticated, but not allowed/);
    expect(run.stderr).toMatch(/tip: `kfp-e2e config`/);
  });

  it('without --dry-run, where nothing listens: exits 1 within seconds with the port-forward hint', SLOW, async () => {
    const run = await cli(['--host', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toMatch(/healthz: expected a KFP v2beta1 healthz answer, saw connection refused/);
    expect(run.stderr).toContain(
      'is the port-forward running? `kubectl port-forward -n kubeflow svc/ml-pipeline 9:8888`',
    );
    expect(run.stderr).toMatch(/tip: `kfp-e2e probe`/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('kfp-e2e submit: bad input exits 2 and sends nothing', () => {
  it('an unknown flag', SLOW, async () => {
    expect((await cli(['--no-such-flag'])).code).toBe(2);
  });

  it('a bad --timeout', SLOW, async () => {
    const run = await cli(['--timeout', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--timeout expects a positive duration such as 900, 900s, 15m or 1h, got "soon"');
  });

  it('a bad --host', SLOW, async () => {
    const run = await cli(['--host', 'kfp:8888']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/kfp\.host — from flag .* expected an http\(s\) URL/);
  });

  it('an undeclared or ill-typed parameter (the preflight parameter checks)', SLOW, async () => {
    const server = await fake();
    const run = await cli(['--param', 'rows=many', '--param', 'epochs=3'], { KFP_HOST: server.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the submission is not valid');
    expect(run.stdout).toMatch(/✗ preflight\.parameters\.known[\s\S]*epochs/);
    expect(run.stdout).toMatch(/✗ preflight\.parameters\.types[\s\S]*rows/);
    expect(server.requests).toHaveLength(0);
  });

  it('a package that is not KFP v2 IR', SLOW, async () => {
    const run = await cli(['--dry-run', '--pipeline', join(PROJECT_ROOT, 'fixtures/pipelines/argo-v1-workflow.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/✗ preflight\.package\.format/);
  });

  it('--compile without the project virtualenv says to run npm run setup', SLOW, async () => {
    const dir = scratch('submit-compile-');
    const run = await cli(['--compile', '--dry-run', '--pipeline', join(dir, 'missing.yaml')], {
      KFP_E2E_HOME: join(dir, 'no-stack-here'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--compile needs the project virtualenv .* run `npm run setup`/);
  });

  it('--help documents the environment variables and the exit codes', SLOW, async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const name of [
      'KFP_HOST',
      'KFP_TOKEN_FILE',
      'KFP_USER_ID_HEADER',
      'E2E_RUN_TIMEOUT_MS',
      '--dry-run',
      '--no-wait',
    ])
      expect(run.stdout).toContain(name);
    expect(run.stdout).toMatch(/Exit codes: 0 run succeeded/);
  });
});

describe('submit helpers', () => {
  it('parseDuration: bare numbers are seconds', () => {
    expect(parseDuration('900')).toBe(900_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(() => parseDuration('0')).toThrow(/positive duration/);
    expect(() => parseDuration('-5m')).toThrow(/positive duration/);
  });

  it('utcStamp sorts by time', () => {
    expect(utcStamp(new Date('2025-01-02T03:04:05.678Z'))).toBe('20250102-030405');
  });

  it('compileStatus: compiles when the YAML is missing or older than a .py file, else skips', () => {
    const dir = scratch('compile-');
    const src = join(dir, 'pkg');
    mkdirSync(join(src, 'sub'), { recursive: true });
    const yaml = join(dir, 'pipeline.yaml');
    expect(compileStatus(yaml, src)).toEqual({ needed: true, reason: 'pipeline.yaml does not exist' });
    writeFileSync(join(src, 'pipeline.py'), '');
    writeFileSync(join(src, 'sub', 'components.py'), '');
    writeFileSync(yaml, '');
    const t = Date.now() / 1000;
    utimesSync(join(src, 'pipeline.py'), t - 100, t - 100);
    utimesSync(join(src, 'sub', 'components.py'), t - 100, t - 100);
    utimesSync(yaml, t - 50, t - 50);
    expect(compileStatus(yaml, src).needed).toBe(false);
    utimesSync(join(src, 'sub', 'components.py'), t, t);
    expect(compileStatus(yaml, src)).toEqual({ needed: true, reason: 'pipeline.yaml is older than components.py' });
  });
});
