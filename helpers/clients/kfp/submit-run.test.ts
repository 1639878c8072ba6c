import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../test-server.js';
import { type FakeKfp, startFakeKfp } from './fake-kfp.js';
import { KfpClient } from './kfp-client.js';
import { pathWithQuery } from './requests.js';
import { PLACEHOLDER, plannedRequests, type SubmitPlan, submitRun } from './submit-run.js';

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

async function setup(): Promise<{ fake: FakeKfp; kfp: KfpClient }> {
  const fake = await startFakeKfp();
  const kfp = new KfpClient({ host: fake.url, timeoutMs: 2_000 });
  closers.push(fake, kfp);
  return { fake, kfp };
}

const plan = (content = 'pipelineInfo:\n  name: demo\n'): SubmitPlan => ({
  pipelineName: 'demo',
  content: new TextEncoder().encode(content),
  filename: 'pipeline.yaml',
  experimentName: 'kfp-e2e',
  experimentDescription: 'runs submitted by kfp-e2e',
  runName: 'demo-run-1',
  parameters: { identifier: 'kfp-e2e', rows: 500 },
  serviceAccount: 'pipeline-runner',
});

/** The plan as `METHOD path?query` lines, placeholders readable. */
const plannedLines = () =>
  plannedRequests(plan(), { wait: false }).map((p) =>
    `${p.request.method} ${pathWithQuery(p.request)}`.replaceAll('%3Cpipeline_id%3E', PLACEHOLDER.pipelineId),
  );

/** `METHOD path?query` with the server-assigned ids put back as placeholders. */
function normalise(req: RecordedRequest, fake: FakeKfp): string {
  let line = `${req.method} ${req.url}`;
  for (const p of fake.pipelines) line = line.replaceAll(p.pipeline_id, PLACEHOLDER.pipelineId);
  return line.replaceAll('%3Cpipeline_id%3E', PLACEHOLDER.pipelineId);
}

describe('submitRun', () => {
  it('uploads, creates the experiment and the run; a second submission reuses pipeline, version and experiment', async () => {
    const { fake, kfp } = await setup();
    const steps: string[] = [];
    const first = await submitRun(kfp, plan(), (step, detail) => steps.push(`${step}: ${detail}`));
    expect(steps).toEqual(['pipeline: new pipeline', 'experiment: created', 'run: created']);
    expect(first.run.runtime_config?.parameters).toEqual({ identifier: 'kfp-e2e', rows: 500 });
    expect(first.run.pipeline_version_reference).toEqual({
      pipeline_id: first.ensured.pipeline.pipeline_id,
      pipeline_version_id: first.ensured.version.pipeline_version_id,
    });

    const second = await submitRun(kfp, { ...plan(), runName: 'demo-run-2' });
    expect(second.ensured.created).toBe(false);
    expect(second.experimentCreated).toBe(false);
    expect(second.ensured.version.pipeline_version_id).toBe(first.ensured.version.pipeline_version_id);
    expect(fake.runs).toHaveLength(2);
    expect(fake.versions).toHaveLength(1);
    expect(fake.experiments).toHaveLength(1);
  });

  it('the dry-run plan lists exactly the requests a first submission sends (new pipeline path)', async () => {
    const { fake, kfp } = await setup();
    await kfp.healthz();
    await submitRun(kfp, plan());
    const planned = plannedLines();
    const sent = fake.requests.map((r) => normalise(r, fake));
    // Sent: healthz, find pipeline, upload, list versions (latest), find experiment, create it, create run.
    expect(sent[0]).toBe(planned[0]);
    expect(sent[1]).toBe(planned[1]);
    expect(sent[2]).toBe(planned[2]);
    expect(sent.slice(-3)).toEqual(planned.slice(-3));
  });

  it('the dry-run plan lists exactly the requests a changed-content submission sends', async () => {
    const { fake, kfp } = await setup();
    await submitRun(kfp, plan('v: 1\n'));
    const before = fake.requests.length;
    await kfp.healthz();
    await submitRun(kfp, plan());
    const sent = fake.requests.slice(before).map((r) => normalise(r, fake));
    const planned = plannedLines();
    // Everything but the "new pipeline" upload and the experiment creation (it exists now).
    expect(sent).toEqual([planned[0], planned[1], planned[3], planned[4], planned[5], planned[6], planned[8]]);
  });

  it('plans the namespace in multi-user mode and the run poll when waiting', () => {
    const planned = plannedRequests(plan(), { wait: true, namespace: 'team-a' });
    expect(pathWithQuery(planned[1]?.request ?? { path: '' })).toContain('namespace=team-a');
    expect(planned.at(-1)?.request.path).toBe(`/apis/v2beta1/runs/${encodeURIComponent(PLACEHOLDER.runId)}`);
    expect(planned.every((p) => p.when.length > 0)).toBe(true);
  });
});
