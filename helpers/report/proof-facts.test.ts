import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { proofFacts } from './proof-facts.js';
import { failedAt, goldenReport, preflightOnly, withCheck, withChecks, withServingGateway } from './test-support.js';

afterEach(() => clearRegisteredSecrets());

describe('proofFacts of the golden report', () => {
  const facts = proofFacts(goldenReport());

  it('gives the verdict with where it failed', () => {
    expect(facts.verdict).toEqual({
      status: 'failed',
      label: 'FAILED',
      headline: '2 of 56 checks failed (contract); 5 skipped',
    });
  });

  it('counts each stage and times it from its first start to its last end', () => {
    expect(
      facts.stages.map(({ stage, status, passed, failed, skipped }) => [stage, status, passed, failed, skipped]),
    ).toEqual([
      ['preflight', 'passed', 9, 0, 1],
      ['infrastructure', 'passed', 23, 0, 0],
      ['submission', 'passed', 5, 0, 0],
      ['contract', 'failed', 12, 2, 4],
    ]);
    const submission = facts.stages[2];
    // The run's wait dominates the stage: 25 s of checks within about 25.3 s of wall time.
    expect(submission?.checksMs).toBeCloseTo(25_317.6, 1);
    expect(submission?.wallMs).toBeGreaterThanOrEqual(submission?.checksMs ?? 0);
  });

  it('lists the failed checks with error and hint, and every check with the failed ones first', () => {
    expect(facts.failed.map((f) => [f.id, f.hint !== undefined])).toEqual([
      ['contract.mlflow.metrics-thresholds', true],
      ['contract.gateway.health', true],
    ]);
    expect(facts.failed[1]?.error).toContain('connection refused (ECONNREFUSED)');
    expect(facts.checks.slice(0, 2).map((c) => c.status)).toEqual(['failed', 'failed']);
    expect(facts.checks).toHaveLength(56);
  });

  it('takes the run from the run section and adds the names and tasks from the evidence', () => {
    expect(facts.run).toMatchObject({
      reached: true,
      value: {
        source: 'run',
        runId: 'e225f187-28f7-463d-8065-1f91f2f1c9d5',
        state: 'SUCCEEDED',
        pipelineName: 'poblesec-forecast',
        experimentName: 'kfp-e2e',
        parameters: { dataset: 'PobleSec', identifier: 'kfp-e2e' },
        submittedAt: goldenReport().run?.submittedAt,
      },
    });
    expect(facts.run.reached && facts.run.value.tasks).toHaveLength(6);
  });

  it('lists the artifacts with bucket, key, size and row count', () => {
    expect(facts.artifacts.reached && facts.artifacts.value).toEqual([
      expect.objectContaining({
        name: 'promotion-pointer',
        bucket: 'models',
        sizeBytes: 445,
        fields: 11,
        format: 'json',
      }),
      expect.objectContaining({ name: 'processed-data', bucket: 'processed-data', sizeBytes: 222_112, rows: 2160 }),
      expect.objectContaining({
        name: 'predictions',
        key: 'predictions/PobleSec/kfp-e2e/predictions.csv',
        rows: 432,
        status: 'passed',
      }),
    ]);
  });

  it('gives the MLflow run, its metrics against their bounds, the model version and the alias', () => {
    expect(facts.mlflow.reached).toBe(true);
    if (!facts.mlflow.reached) return;
    const m = facts.mlflow.value;
    expect(m).toMatchObject({
      runId: '0f39addd9162429db565cf489116627d',
      runStatus: 'FINISHED',
      registeredModel: 'poblesec-forecast',
      modelVersion: '1',
      modelVersionStatus: 'READY',
      alias: 'champion',
      aliasVersion: '1',
      params: { n_estimators: '60' },
    });
    expect(m.metrics.map((x) => [x.name, x.bound, x.within])).toEqual([
      ['rmse', '<= 6.0', false],
      ['mae', '< 6.0', true],
      ['r2', '> 0.5', true],
    ]);
  });

  it('gives the gateway as far as it got: its checks and endpoint, no served version or latency', () => {
    expect(facts.gateway.reached).toBe(true);
    if (!facts.gateway.reached) return;
    expect(facts.gateway.value.endpoint).toBe('http://127.0.0.1:46613');
    expect(facts.gateway.value.servedVersion).toBeUndefined();
    expect(facts.gateway.value.latency).toBeUndefined();
    expect(facts.gateway.value.checks.map((c) => c.status)).toEqual([
      'failed',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('gives the served version and the latency figures when the gateway answered', () => {
    const gateway = proofFacts(withServingGateway(goldenReport())).gateway;
    expect(gateway).toMatchObject({
      reached: true,
      value: {
        healthStatus: 'ok',
        modelName: 'poblesec-forecast',
        servedVersion: '1',
        pointerVersion: '1',
        predictLatencyMs: 21.9,
        latency: { requests: 20, p50Ms: 9.7, p95Ms: 13.8, maxMs: 14.4, budgetP95Ms: 500 },
      },
    });
  });

  it('records the environment and the slowest checks', () => {
    expect(facts.environment).toMatchObject({
      target: 'local',
      stackProvider: 'native',
      versions: { kfpSdk: '2.17.3' },
    });
    expect(facts.environment.config).toMatchObject({ minio: { secretKey: '***' } });
    expect(facts.durations.slowest[0]?.id).toBe('submission.run.succeeded');
    expect(facts.durations.slowest).toHaveLength(5);
  });
});

describe('proofFacts of a report that stopped early', () => {
  it('a preflight-only report passes, and says which stages and sections were not reached', () => {
    const facts = proofFacts(preflightOnly(goldenReport()));
    expect(facts.verdict).toEqual({
      status: 'passed',
      label: 'PASSED',
      headline: '9 of 10 checks passed; 1 skipped; not reached: infrastructure, submission, contract',
    });
    expect(facts.stages.map((s) => s.status)).toEqual(['passed', 'not reached', 'not reached', 'not reached']);
    expect(facts.run).toEqual({ reached: false, note: 'not reached: the submission stage did not run' });
    for (const section of [facts.artifacts, facts.mlflow, facts.gateway])
      expect(section).toEqual({ reached: false, note: 'not reached: the contract stage did not run' });
    expect(facts.failed).toEqual([]);
  });

  it('a run that failed in infrastructure names the skip reason in every later section', () => {
    const report = failedAt(goldenReport(), 'infrastructure', 'MinIO down', 'start MinIO');
    const facts = proofFacts(report);
    expect(facts.verdict.headline).toBe('1 of 56 checks failed (infrastructure); 24 skipped');
    expect(facts.stages.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped', 'skipped']);
    const reason = "not reached: skipped because stage 'infrastructure' failed (infrastructure.stack.started)";
    expect(facts.run).toEqual({ reached: false, note: reason });
    expect(facts.mlflow).toEqual({ reached: false, note: reason });
    expect(facts.failed).toEqual([
      expect.objectContaining({ id: 'infrastructure.stack.started', error: 'MinIO down', hint: 'start MinIO' }),
    ]);
  });

  it('falls back to the submission evidence when the report has no run section', () => {
    const { run: _run, ...report } = goldenReport();
    const facts = proofFacts(report);
    expect(facts.run).toMatchObject({
      reached: true,
      value: { source: 'evidence', runId: 'e225f187-28f7-463d-8065-1f91f2f1c9d5', state: 'SUCCEEDED' },
    });
  });

  it('says no run was created when the submission stage failed before creating one', () => {
    const report = failedAt(goldenReport(), 'submission', 'KFP API down');
    const { run: _run, ...noRun } = withCheck(report, 'submission.run.created', { evidence: {}, status: 'skipped' });
    const facts = proofFacts(
      withChecks(
        noRun,
        noRun.checks.map((c) =>
          c.stage === 'submission' && c.id !== 'submission.kfp.healthy' ? { ...c, evidence: {} } : c,
        ),
      ),
    );
    expect(facts.run).toEqual({
      reached: false,
      note: 'not reached: no run was created (submission.kfp.healthy failed)',
    });
  });

  it('an empty report has its own verdict', () => {
    expect(proofFacts(withChecks(goldenReport(), [])).verdict).toEqual({
      status: 'empty',
      label: 'NO CHECKS',
      headline: 'the report holds no check',
    });
  });
});

describe('proofFacts masking', () => {
  it('masks the report again: a secret in a hand-made report never reaches the facts', () => {
    registerSecret('hunter2-registered');
    const report = withCheck(goldenReport(), 'contract.gateway.health', {
      error: 'login failed with hunter2-registered',
      evidence: { url: 'http://admin:pa55word@gw:8080', password: 'plain' },
    });
    const text = JSON.stringify(proofFacts(report));
    for (const secret of ['hunter2-registered', 'pa55word', 'plain']) expect(text).not.toContain(secret);
  });
});
