import { beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { buildReport, type ReportInput } from './build-report.js';
import { CheckIdSchema, type CheckResult, CheckResultSchema, ValidationReportSchema } from './schema.js';

beforeEach(() => clearRegisteredSecrets());

const result = (id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  stage: id.split('.')[0] as CheckResult['stage'],
  title: `title of ${id}`,
  status,
  durationMs: 12.5,
  evidence: {},
  ...extra,
});

function input(checks: CheckResult[], extra: Partial<ReportInput> = {}): ReportInput {
  return {
    checks,
    context: {
      target: 'cluster',
      stackProvider: 'external',
      startedAt: '2024-05-01T12:00:00.000Z',
      config: { minio: { endpoint: 'http://minio:9000', secretKey: 'minio123' }, postgres: { password: 'pg-pass' } },
      sources: { 'minio.endpoint': 'env' },
    },
    startedAt: new Date('2024-05-01T12:00:00.000Z'),
    finishedAt: new Date('2024-05-01T12:01:30.250Z'),
    versions: { node: 'v20.19.0', kfpE2e: '0.1.0' },
    ...extra,
  };
}

describe('buildReport', () => {
  const checks = [
    result('preflight.config.valid', 'passed'),
    result('preflight.pipeline.format', 'passed'),
    result('infrastructure.minio.ready', 'failed', { error: 'no answer', hint: 'start minio' }),
    result('submission.run.created', 'skipped', { reason: "skipped because stage 'infrastructure' failed" }),
    result('contract.mlflow.metrics', 'skipped', { reason: "skipped because stage 'infrastructure' failed" }),
  ];

  it('produces a report that validates against ValidationReportSchema', () => {
    const report = buildReport(input(checks));
    expect(ValidationReportSchema.safeParse(report).success).toBe(true);
    expect(report.schemaVersion).toBe('1.0');
    expect(report.target).toBe('cluster');
    expect(report.stackProvider).toBe('external');
    expect(report.startedAt).toBe('2024-05-01T12:00:00.000Z');
    expect(report.finishedAt).toBe('2024-05-01T12:01:30.250Z');
    expect(report.durationMs).toBe(90_250);
    expect(report.environment.sources).toEqual({ 'minio.endpoint': 'env' });
    expect(report.environment.versions).toEqual({ node: 'v20.19.0', kfpE2e: '0.1.0' });
    expect(report.checks.map((c) => c.id)).toEqual(checks.map((c) => c.id));
  });

  it('counts checks by status', () => {
    expect(buildReport(input(checks)).summary).toEqual({ total: 5, passed: 2, failed: 1, skipped: 2 });
    expect(buildReport(input([])).summary).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0 });
  });

  it('masks secrets in the config, the evidence and the errors', () => {
    registerSecret('registered-s3cr3t');
    const leaky = [
      result('infrastructure.postgres.ready', 'failed', {
        evidence: {
          url: 'postgres://mlflow:pg-pass@db:5432/mlflow',
          password: 'pg-pass',
          headers: { authorization: 'Bearer abc.def' },
          note: 'server echoed registered-s3cr3t',
        },
        error: 'connect to postgres://mlflow:pg-pass@db:5432 failed: password=pg-pass',
        hint: 'check MINIO_SECRET_KEY=registered-s3cr3t',
      }),
      result('contract.gateway.serves', 'skipped', { reason: 'token: t0k3n missing' }),
    ];
    const report = buildReport(input(leaky));
    const text = JSON.stringify(report);
    for (const secret of ['pg-pass', 'minio123', 'registered-s3cr3t', 'abc.def', 't0k3n']) {
      expect(text).not.toContain(secret);
    }
    expect(report.environment.config).toEqual({
      minio: { endpoint: 'http://minio:9000', secretKey: '***' },
      postgres: { password: '***' },
    });
    const first = report.checks[0];
    expect(first?.evidence).toEqual({
      url: 'postgres://mlflow:***@db:5432/mlflow',
      password: '***',
      headers: { authorization: '***' },
      note: 'server echoed ***',
    });
    expect(first?.error).toBe('connect to postgres://mlflow:***@db:5432 failed: password=***');
    expect(first?.hint).toBe('check MINIO_SECRET_KEY=***');
    expect(report.checks[1]?.reason).toBe('token: *** missing');
  });

  it('lets the CLI override target and provider, and defaults without a context', () => {
    expect(buildReport(input([], { target: 'local', stackProvider: 'native' }))).toMatchObject({
      target: 'local',
      stackProvider: 'native',
    });
    const bare = buildReport(input([], { context: undefined }));
    expect(bare).toMatchObject({ target: 'local', stackProvider: 'none', environment: { config: {}, sources: {} } });
  });

  it('never reports a negative duration when the clock went backwards', () => {
    const report = buildReport(
      input([], { startedAt: new Date('2024-05-01T12:00:01Z'), finishedAt: new Date('2024-05-01T12:00:00Z') }),
    );
    expect(report.durationMs).toBe(0);
  });

  it('refuses to build a report holding a check with a bad id', () => {
    expect(() => buildReport(input([result('preflight.Config.valid', 'passed')]))).toThrow(
      /<stage>\.<subject>\.<property>/,
    );
  });
});

describe('report schema', () => {
  it.each([
    'preflight.config.valid',
    'infrastructure.minio.ready',
    'submission.run.terminal-state',
    'contract.mlflow.model-v2-registered',
  ])('accepts the check id %s', (id) => {
    expect(CheckIdSchema.safeParse(id).success).toBe(true);
  });

  it.each([
    'config.valid',
    'smoke.config.valid',
    'preflight.config',
    'preflight.config.valid.extra',
    'preflight.Config.valid',
    'preflight.config_file.valid',
    'preflight.config.valid ',
    'preflight..valid',
    '',
  ])('rejects the check id %j', (id) => {
    const parsed = CheckIdSchema.safeParse(id);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('expected <stage>.<subject>.<property>');
  });

  it('rejects a result with an unknown status, a negative duration or an empty title', () => {
    const good = result('preflight.config.valid', 'passed');
    expect(CheckResultSchema.safeParse(good).success).toBe(true);
    expect(CheckResultSchema.safeParse({ ...good, status: 'errored' }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...good, durationMs: -1 }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...good, title: '' }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ ...good, stage: 'smoke' }).success).toBe(false);
  });

  it('rejects a report whose timestamps are not ISO datetimes or whose schema version differs', () => {
    const report = buildReport(input([]));
    expect(ValidationReportSchema.safeParse({ ...report, startedAt: 'yesterday' }).success).toBe(false);
    expect(ValidationReportSchema.safeParse({ ...report, schemaVersion: '2.0' }).success).toBe(false);
    expect(ValidationReportSchema.safeParse({ ...report, target: 'prod' }).success).toBe(false);
  });
});

describe('buildReport run section', () => {
  const handoff = {
    runId: 'run-1',
    pipelineId: 'p-1',
    versionId: 'v-1',
    experimentId: 'e-1',
    parameters: { dataset: 'PobleSec', api_token: 'abc123secret' },
    state: 'SUCCEEDED',
    submittedAt: '2024-05-01T12:00:05.000Z',
    uiUrl: 'https://admin:pw-in-url@kfp.example/#/runs/details/run-1',
  };

  it('carries the submitted run, masked like everything else', () => {
    const report = buildReport(input([], { run: handoff }));
    expect(report.run).toEqual({
      ...handoff,
      parameters: { dataset: 'PobleSec', api_token: '***' },
      uiUrl: 'https://admin:***@kfp.example/#/runs/details/run-1',
    });
    expect(ValidationReportSchema.parse(report).run?.runId).toBe('run-1');
  });

  it('has no run section when no run was submitted, and stays schema version 1.0', () => {
    const report = buildReport(input([]));
    expect('run' in report).toBe(false);
    expect(report.schemaVersion).toBe('1.0');
  });
});
