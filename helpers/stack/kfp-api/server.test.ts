import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, postgresBinDir } from '../project-paths.js';
import { VERSIONS } from '../topology.js';
import { type LocalKfpApi, startLocalKfpApi } from './server.js';
import {
  call,
  startTestPostgres,
  type TestPostgres,
  upload,
  waitForHangingRunner,
  waitForRun,
  writeFakeRunner,
} from './test-support.js';

/**
 * The local KFP API against a real PostgreSQL, with a runner substitute: every endpoint's
 * answer shape, paging and filters, errors, the run state machine, and durability across a
 * restart. The real runner is exercised in server-e2e.test.ts.
 */

const MINIMAL = readFileSync(join(PROJECT_ROOT, 'fixtures/pipelines/minimal-v2.yaml'));
const ARGO = readFileSync(join(PROJECT_ROOT, 'fixtures/pipelines/argo-v1-workflow.yaml'));
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const RUNNER_SECRET = 'fake-minio-secret-4711';
const A = '/apis/v2beta1';

// Needs the native servers, which `npm run setup` builds where no container runtime answers (or with
// SETUP_NATIVE=1); on the testcontainers path they are absent. CI has them and fails on any skipped unit test.
describe.skipIf(!postgresBinDir(VERSIONS.postgresMajor))('local KFP API (real PostgreSQL, runner substitute)', () => {
  let postgres: TestPostgres;
  let api: LocalKfpApi;
  let base: string;
  const logs: string[] = [];

  const start = async () => {
    api = await startLocalKfpApi({
      port: 0,
      host: '127.0.0.1',
      database: postgres.database,
      runnerEnv: { MINIO_ENDPOINT: 'http://127.0.0.1:9', MINIO_SECRET_KEY: RUNNER_SECRET },
      projectRoot: PROJECT_ROOT,
      workDir: join(postgres.dir, 'work'),
      log: (line) => logs.push(line),
      runner: { command: process.execPath, args: [writeFakeRunner(postgres.dir)], cwd: postgres.dir },
      terminateGraceMs: 3000,
    });
    base = api.url;
  };

  beforeAll(async () => {
    postgres = await startTestPostgres('kfp-api-server-');
    await start();
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await postgres?.stop();
  }, 60_000);

  /** Uploads minimal-v2 as a new pipeline; returns its Pipeline and first version. */
  async function newPipeline(name: string, description = '') {
    const query = new URLSearchParams({ name, description, namespace: 'kubeflow' });
    const created = await upload(base, `${A}/pipelines/upload?${query}`, { name: 'minimal.yaml', content: MINIMAL });
    expect(created.status, created.text).toBe(200);
    const versions = await call(base, 'GET', `${A}/pipelines/${created.json.pipeline_id}/versions`);
    return { pipeline: created.json, version: versions.json.pipeline_versions[0] };
  }

  async function newRun(body: Record<string, unknown>) {
    const response = await call(base, 'POST', `${A}/runs`, body);
    expect(response.status, response.text).toBe(200);
    return response.json;
  }

  describe('healthz and routing', () => {
    it('GET healthz: single-user, database store', async () => {
      const response = await call(base, 'GET', `${A}/healthz`);
      expect(response.status).toBe(200);
      expect(response.contentType).toBe('application/json');
      expect(response.json).toEqual({ multi_user: false, pipeline_store: 'database' });
    });

    it('unknown path 404 and wrong method 405, in plain text as grpc-gateway answers', async () => {
      const missing = await call(base, 'GET', `${A}/nothing`);
      expect([missing.status, missing.text.trim()]).toEqual([404, 'Not Found']);
      const wrong = await call(base, 'PUT', `${A}/experiments`);
      expect([wrong.status, wrong.text.trim()]).toEqual([405, 'Method Not Allowed']);
    });

    it('a garbage request line gets 400 and the server keeps answering', async () => {
      const { connect } = await import('node:net');
      const url = new URL(base);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk;
        });
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1.1 400/);
      expect((await call(base, 'GET', `${A}/healthz`)).status).toBe(200);
    });
  });

  describe('pipelines', () => {
    it('upload: Pipeline with proto field names, namespace replaced (single-user), defaults left out', async () => {
      const query = new URLSearchParams({ name: 'shape-test', description: 'sha256:abc', namespace: 'kubeflow' });
      const response = await upload(base, `${A}/pipelines/upload?${query}`, { name: 'minimal.yaml', content: MINIMAL });
      expect(response.status, response.text).toBe(200);
      const pipeline = response.json;
      expect(Object.keys(pipeline).sort()).toEqual([
        'created_at',
        'description',
        'display_name',
        'name',
        'pipeline_id',
      ]);
      expect(pipeline).toMatchObject({ name: 'shape-test', display_name: 'shape-test', description: 'sha256:abc' });
      expect(pipeline.pipeline_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(pipeline.created_at).toMatch(RFC3339_SECONDS);
      expect((await call(base, 'GET', `${A}/pipelines/${pipeline.pipeline_id}`)).json).toEqual(pipeline);
      expect((await call(base, 'GET', `${A}/pipelines/names/shape-test`)).json).toEqual(pipeline);
    });

    it('the first version: the pipeline name and description, pipeline_spec as a Struct of IR and platform spec', async () => {
      const { pipeline, version } = await newPipeline('version-shape', 'sha256:123');
      expect(Object.keys(version).sort()).toEqual([
        'created_at',
        'description',
        'display_name',
        'name',
        'pipeline_id',
        'pipeline_spec',
        'pipeline_version_id',
      ]);
      expect(version).toMatchObject({
        pipeline_id: pipeline.pipeline_id,
        name: 'version-shape',
        description: 'sha256:123',
      });
      expect(version.pipeline_spec.pipeline_spec.pipelineInfo.name).toBe('minimal-v2');
      expect(version.pipeline_spec.platform_spec.platforms).toHaveProperty('kubernetes');
      const got = await call(
        base,
        'GET',
        `${A}/pipelines/${pipeline.pipeline_id}/versions/${version.pipeline_version_id}`,
      );
      expect(got.json).toEqual(version);
    });

    it('upload_version: a PipelineVersion; name falls back to display_name, then the file name', async () => {
      const { pipeline } = await newPipeline('versioned');
      const named = await upload(
        base,
        `${A}/pipelines/upload_version?${new URLSearchParams({ pipelineid: pipeline.pipeline_id, name: 'v2', description: 'sha256:2' })}`,
        { name: 'minimal.yaml', content: MINIMAL },
      );
      expect(named.status, named.text).toBe(200);
      expect(named.json).toMatchObject({
        pipeline_id: pipeline.pipeline_id,
        name: 'v2',
        display_name: 'v2',
        description: 'sha256:2',
      });
      expect(named.json.pipeline_spec.pipeline_spec.schemaVersion).toBe('2.1.0');
      const byDisplay = await upload(
        base,
        `${A}/pipelines/upload_version?${new URLSearchParams({ pipelineid: pipeline.pipeline_id, display_name: 'Third' })}`,
        { name: 'minimal.yaml', content: MINIMAL },
      );
      expect(byDisplay.json).toMatchObject({ name: 'Third', display_name: 'Third' });
      const byFile = await upload(base, `${A}/pipelines/upload_version?pipelineid=${pipeline.pipeline_id}`, {
        name: 'fourth.yaml',
        content: MINIMAL,
      });
      expect(byFile.json).toMatchObject({ name: 'fourth.yaml', display_name: 'fourth.yaml' });
      const list = await call(base, 'GET', `${A}/pipelines/${pipeline.pipeline_id}/versions?sort_by=name`);
      expect(list.json.total_size).toBe(4);
      expect(list.json.pipeline_versions.map((v: { name: string }) => v.name)).toEqual([
        'Third',
        'fourth.yaml',
        'v2',
        'versioned',
      ]);
      const filtered = await call(
        base,
        'GET',
        `${A}/pipelines/${pipeline.pipeline_id}/versions?filter=${encodeURIComponent(JSON.stringify({ predicates: [{ key: 'name', operation: 'EQUALS', string_value: 'v2' }] }))}`,
      );
      expect(filtered.json.pipeline_versions.map((v: { name: string }) => v.name)).toEqual(['v2']);
    });

    it('upload errors: {error_message, error_details} with the KFP status codes', async () => {
      await newPipeline('taken');
      const dup = await upload(base, `${A}/pipelines/upload?name=taken`, { name: 'minimal.yaml', content: MINIMAL });
      expect(dup.status).toBe(409);
      expect(Object.keys(dup.json).sort()).toEqual(['error_details', 'error_message']);
      expect(dup.json.error_message).toBe('Failed to create a pipeline and a pipeline version');
      expect(dup.json.error_details).toContain('already exists');

      const noFile = await upload(base, `${A}/pipelines/upload?name=x`, undefined);
      expect(noFile.status).toBe(400);
      expect(noFile.json.error_message).toBe('Failed to read pipeline from file');
      expect(noFile.json.error_details).toContain('no file in form field "uploadfile"');
      const wrongField = await upload(base, `${A}/pipelines/upload?name=x`, {
        name: 'a.yaml',
        content: MINIMAL,
        field: 'file',
      });
      expect(wrongField.status).toBe(400);
      const notMultipart = await call(base, 'POST', `${A}/pipelines/upload?name=x`, { display_name: 'x' });
      expect(notMultipart.status).toBe(400);
      expect(notMultipart.json.error_message).toBe('Failed to read pipeline from file');

      const argo = await upload(base, `${A}/pipelines/upload?name=argo`, { name: 'argo.yaml', content: ARGO });
      expect(argo.status).toBe(400);
      expect(argo.json.error_message).toContain('KFP v1 package (an Argo Workflow');
      expect(argo.json.error_details).toContain('recompile with the KFP v2 SDK');
      expect((await call(base, 'GET', `${A}/pipelines/names/argo`)).status).toBe(404);

      const notIr = await upload(base, `${A}/pipelines/upload?name=notir`, {
        name: 'x.yaml',
        content: 'hello: world\n',
      });
      expect(notIr.status).toBe(400);
      expect(notIr.json.error_message).toContain('not a KFP pipeline package');

      const longName = await upload(base, `${A}/pipelines/upload?name=${'a'.repeat(129)}`, {
        name: 'm.yaml',
        content: MINIMAL,
      });
      expect([longName.status, longName.json.error_message]).toEqual([400, 'Pipeline.Name length cannot exceed 128']);

      const noParent = await upload(base, `${A}/pipelines/upload_version?name=v`, { name: 'm.yaml', content: MINIMAL });
      expect([noParent.status, noParent.json.error_message]).toEqual([400, 'Failed to create a pipeline version']);
      const unknownParent = await upload(base, `${A}/pipelines/upload_version?pipelineid=nope`, {
        name: 'm.yaml',
        content: MINIMAL,
      });
      expect([unknownParent.status, unknownParent.json.error_message]).toEqual([
        400,
        'Failed to create a pipeline version',
      ]);
      expect(unknownParent.json.error_details).toContain('nope not found');
    });

    it('refuses a body over 32 MB with 413 (upload and JSON endpoints) and keeps serving', async () => {
      const big = Buffer.alloc(34 * 1024 * 1024, 0x61);
      const response = await upload(base, `${A}/pipelines/upload?name=big`, { name: 'big.yaml', content: big });
      expect(response.status).toBe(413);
      expect(response.json.error_message).toContain('exceeds the maximum size');
      const json = await call(base, 'POST', `${A}/experiments`, big.toString());
      expect([json.status, json.json.code]).toEqual([413, 8]);
      expect((await call(base, 'GET', `${A}/pipelines/names/big`)).status).toBe(404);
      expect((await call(base, 'GET', `${A}/healthz`)).status).toBe(200);
    });

    it('lists with paging, sorting and the filter operations', async () => {
      for (const name of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) await newPipeline(name);
      const q = (params: Record<string, string>) => `${A}/pipelines?${new URLSearchParams(params)}`;
      const filter = (...predicates: unknown[]) => JSON.stringify({ predicates });
      const substring = filter({ key: 'name', operation: 'IS_SUBSTRING', string_value: 'page-' });

      const first = await call(base, 'GET', q({ page_size: '2', sort_by: 'name desc', filter: substring }));
      expect(first.status).toBe(200);
      expect(first.json.total_size).toBe(5);
      expect(first.json.pipelines.map((p: { name: string }) => p.name)).toEqual(['page-e', 'page-d']);
      expect(first.json.next_page_token).toBeTruthy();
      const second = await call(base, 'GET', q({ page_size: '2', page_token: first.json.next_page_token }));
      expect(second.json.pipelines.map((p: { name: string }) => p.name)).toEqual(['page-c', 'page-b']);
      const third = await call(base, 'GET', q({ page_size: '2', page_token: second.json.next_page_token }));
      expect(third.json.pipelines.map((p: { name: string }) => p.name)).toEqual(['page-a']);
      expect(third.json.next_page_token).toBeUndefined();

      const names = async (f: string) =>
        ((await call(base, 'GET', q({ filter: f, sort_by: 'name' }))).json.pipelines ?? []).map(
          (p: { name: string }) => p.name,
        );
      expect(await names(filter({ key: 'name', operation: 'EQUALS', string_value: 'page-b' }))).toEqual(['page-b']);
      expect(
        await names(filter({ key: 'name', operation: 'IN', string_values: { values: ['page-a', 'page-e', 'zzz'] } })),
      ).toEqual(['page-a', 'page-e']);
      expect(
        await names(
          filter(
            { key: 'name', operation: 'IS_SUBSTRING', string_value: 'page-' },
            { key: 'name', operation: 'NOT_EQUALS', string_value: 'page-c' },
          ),
        ),
      ).toEqual(['page-a', 'page-b', 'page-d', 'page-e']);
      expect(
        await names(filter({ key: 'display_name', operation: 'EQUALS', string_value: 'nothing-like-it' })),
      ).toEqual([]);
      // No match: proto3 JSON leaves the empty list and the zero total out.
      const none = await call(
        base,
        'GET',
        q({ filter: filter({ key: 'name', operation: 'EQUALS', string_value: 'none' }) }),
      );
      expect(none.json).toEqual({});
    });

    it('list errors: bad filter, unknown key, bad sort, bad page size, foreign page token', async () => {
      const expectInvalid = async (path: string, text: string) => {
        const response = await call(base, 'GET', path);
        expect(response.status, path).toBe(400);
        expect(response.json, path).toMatchObject({ code: 3 });
        expect(response.json.error, path).toBe(response.json.message);
        expect(response.json.message, path).toContain(text);
      };
      await expectInvalid(`${A}/pipelines?filter=${encodeURIComponent('{not json')}`, 'failed to parse valid filter');
      await expectInvalid(
        `${A}/pipelines?filter=${encodeURIComponent(JSON.stringify({ predicates: [{ key: 'colour', operation: 'EQUALS', string_value: 'x' }] }))}`,
        'cannot filter on "colour"',
      );
      await expectInvalid(`${A}/pipelines?sort_by=colour`, 'Cannot sort on field colour');
      await expectInvalid(`${A}/pipelines?page_size=-3`, 'The page size should be greater than 0');
      await expectInvalid(`${A}/pipelines?page_size=many`, 'parsing field "page_size"');
      await expectInvalid(`${A}/pipelines?page_token=bm90IGEgdG9rZW4=`, 'Invalid page token');
    });

    it('unknown ids: NOT_FOUND in the grpc-gateway error body', async () => {
      const response = await call(base, 'GET', `${A}/pipelines/no-such-id`);
      expect(response.status).toBe(404);
      expect(response.json).toEqual({
        error: response.json.message,
        code: 5,
        message: expect.stringContaining('no-such-id not found'),
        details: [
          {
            '@type': 'type.googleapis.com/api.Error',
            error_message: response.json.message,
            error_details: response.json.message,
          },
        ],
      });
      expect((await call(base, 'GET', `${A}/pipelines/x/versions/no-such-version`)).status).toBe(404);
      expect((await call(base, 'DELETE', `${A}/pipelines/x/versions/no-such-version`)).status).toBe(404);
    });

    it('delete: a pipeline with versions is FAILED_PRECONDITION; empty, it goes', async () => {
      const { pipeline, version } = await newPipeline('to-delete');
      const refused = await call(base, 'DELETE', `${A}/pipelines/${pipeline.pipeline_id}`);
      expect(refused.status).toBe(400);
      expect(refused.json.code).toBe(9);
      expect(refused.json.message).toContain('Delete all its pipeline versions first');
      const deletedVersion = await call(
        base,
        'DELETE',
        `${A}/pipelines/${pipeline.pipeline_id}/versions/${version.pipeline_version_id}`,
      );
      expect([deletedVersion.status, deletedVersion.json]).toEqual([200, {}]);
      const deleted = await call(base, 'DELETE', `${A}/pipelines/${pipeline.pipeline_id}`);
      expect([deleted.status, deleted.json]).toEqual([200, {}]);
      expect((await call(base, 'GET', `${A}/pipelines/${pipeline.pipeline_id}`)).status).toBe(404);
    });

    it('creating pipelines through the JSON endpoints is not implemented: UNIMPLEMENTED', async () => {
      const response = await call(base, 'POST', `${A}/pipelines`, { display_name: 'x' });
      expect([response.status, response.json.code]).toEqual([501, 12]);
      expect(response.json.message).toContain('/pipelines/upload');
    });
  });

  describe('experiments', () => {
    it('create: Experiment with id, created_at, storage_state AVAILABLE; namespace replaced (single-user)', async () => {
      const response = await call(base, 'POST', `${A}/experiments`, {
        display_name: 'exp-shape',
        description: 'about it',
        namespace: 'kubeflow',
      });
      expect(response.status, response.text).toBe(200);
      expect(Object.keys(response.json).sort()).toEqual([
        'created_at',
        'description',
        'display_name',
        'experiment_id',
        'storage_state',
      ]);
      expect(response.json).toMatchObject({
        display_name: 'exp-shape',
        description: 'about it',
        storage_state: 'AVAILABLE',
      });
      expect(response.json.created_at).toMatch(RFC3339_SECONDS);
      expect((await call(base, 'GET', `${A}/experiments/${response.json.experiment_id}`)).json).toEqual(response.json);
    });

    it('create errors: duplicate name 409, unknown field, malformed JSON, wrong type, no name', async () => {
      await call(base, 'POST', `${A}/experiments`, { display_name: 'exp-dup' });
      const dup = await call(base, 'POST', `${A}/experiments`, { display_name: 'exp-dup', namespace: 'other' });
      expect([dup.status, dup.json.code]).toEqual([409, 6]);
      expect(dup.json.message).toContain('exp-dup already exists');
      const unknown = await call(base, 'POST', `${A}/experiments`, { display_name: 'x', colour: 'red' });
      expect([unknown.status, unknown.json.code, unknown.json.message]).toEqual([
        400,
        3,
        'unknown field "colour" in v2beta1.Experiment',
      ]);
      const malformed = await call(base, 'POST', `${A}/experiments`, '{"display_name": ');
      expect([malformed.status, malformed.json.code]).toEqual([400, 3]);
      const wrongType = await call(base, 'POST', `${A}/experiments`, { display_name: 42 });
      expect([wrongType.status, wrongType.json.code]).toEqual([400, 3]);
      const noName = await call(base, 'POST', `${A}/experiments`, {});
      expect([noName.status, noName.json.message]).toEqual([
        400,
        'Experiment name is empty. Please specify a valid experiment name',
      ]);
      expect((await call(base, 'GET', `${A}/experiments/nope`)).status).toBe(404);
    });

    it('lists the Default experiment the server creates, with filters on display_name', async () => {
      await call(base, 'POST', `${A}/experiments`, { display_name: 'exp-list-1' });
      await call(base, 'POST', `${A}/experiments`, { display_name: 'exp-list-2' });
      const all = await call(base, 'GET', `${A}/experiments?page_size=200&namespace=kubeflow`);
      const names = all.json.experiments.map((e: { display_name: string }) => e.display_name);
      expect(names).toContain('Default');
      expect(all.json.total_size).toBe(names.length);
      const filter = JSON.stringify({
        predicates: [{ key: 'display_name', operation: 'IS_SUBSTRING', string_value: 'exp-list-' }],
      });
      const some = await call(
        base,
        'GET',
        `${A}/experiments?sort_by=display_name%20desc&filter=${encodeURIComponent(filter)}`,
      );
      expect(some.json.experiments.map((e: { display_name: string }) => e.display_name)).toEqual([
        'exp-list-2',
        'exp-list-1',
      ]);
    });
  });

  describe('runs', () => {
    let versionRef: { pipeline_id: string; pipeline_version_id: string };
    let experimentId: string;

    beforeAll(async () => {
      const { pipeline, version } = await newPipeline('run-pipeline');
      versionRef = { pipeline_id: pipeline.pipeline_id, pipeline_version_id: version.pipeline_version_id };
      experimentId = (await call(base, 'POST', `${A}/experiments`, { display_name: 'run-experiment' })).json
        .experiment_id;
    });

    it('create: PENDING Run with the KFP defaults, then RUNNING and SUCCEEDED with task details', async () => {
      const created = await newRun({
        display_name: 'run-ok',
        description: 'first run',
        experiment_id: experimentId,
        pipeline_version_reference: versionRef,
        runtime_config: { parameters: { run_label: 'succeed', epochs: 5 }, pipeline_root: 'minio://mlpipeline/x' },
      });
      expect(Object.keys(created).sort()).toEqual([
        'created_at',
        'description',
        'display_name',
        'experiment_id',
        'finished_at',
        'pipeline_version_reference',
        'run_details',
        'run_id',
        'runtime_config',
        'scheduled_at',
        'service_account',
        'state',
        'state_history',
        'storage_state',
      ]);
      expect(created).toMatchObject({
        display_name: 'run-ok',
        description: 'first run',
        experiment_id: experimentId,
        storage_state: 'AVAILABLE',
        pipeline_version_reference: versionRef,
        runtime_config: { parameters: { run_label: 'succeed', epochs: 5 }, pipeline_root: 'minio://mlpipeline/x' },
        service_account: 'pipeline-runner',
        state: 'PENDING',
        finished_at: '1970-01-01T00:00:00Z',
        state_history: [{ update_time: created.created_at, state: 'PENDING' }],
      });
      expect(created.scheduled_at).toBe(created.created_at);
      expect(created.run_details.pipeline_context_id).toMatch(/^\d+$/);
      expect(created.run_details.pipeline_run_context_id).toMatch(/^\d+$/);
      expect(created.run_details.task_details).toBeUndefined();

      const done = await waitForRun(base, created.run_id);
      expect(done.state).toBe('SUCCEEDED');
      expect(done.error).toBeUndefined();
      expect(done.finished_at).toMatch(RFC3339_SECONDS);
      expect(done.finished_at >= done.created_at).toBe(true);
      expect(done.state_history.map((h: { state: string }) => h.state)).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
      const tasks = done.run_details.task_details;
      expect(tasks.map((t: { display_name: string; state: string }) => [t.display_name, t.state])).toEqual([
        ['prepare-data', 'SUCCEEDED'],
        ['train-model', 'SUCCEEDED'],
      ]);
      for (const task of tasks) {
        expect(Object.keys(task).sort()).toEqual(
          ['create_time', 'display_name', 'end_time', 'run_id', 'start_time', 'state', 'state_history', 'task_id']
            .concat(task.display_name === 'prepare-data' ? ['child_tasks'] : [])
            .sort(),
        );
        expect(task.run_id).toBe(created.run_id);
        expect(task.state_history.map((h: { state: string }) => h.state)).toEqual(['RUNNING', 'SUCCEEDED']);
      }
      expect(tasks[0].child_tasks).toEqual([{ task_id: tasks[1].task_id }]);

      const invocation = JSON.parse(
        readFileSync(join(postgres.dir, 'work', 'runs', created.run_id, 'pipeline-root', 'invocation.json'), 'utf8'),
      );
      expect(invocation.cwd).toBe(postgres.dir);
      expect(invocation.params).toEqual({ run_label: 'succeed', epochs: '5' });
      expect(invocation.argv).toEqual(
        expect.arrayContaining(['--json', '--quiet', '--package', '--pipeline-root', '--log-file']),
      );
      expect(invocation.env).toEqual({ MINIO_ENDPOINT: 'http://127.0.0.1:9', PYTHONUNBUFFERED: '1' });
      expect(invocation.package).toContain('# PIPELINE DEFINITION');
    });

    it('a run without experiment goes to Default; a pipeline id alone runs its latest version', async () => {
      const created = await newRun({
        display_name: 'run-default',
        pipeline_version_reference: { pipeline_id: versionRef.pipeline_id },
      });
      const experiment = await call(base, 'GET', `${A}/experiments/${created.experiment_id}`);
      expect(experiment.json.display_name).toBe('Default');
      expect(created.pipeline_version_reference).toEqual(versionRef);
      expect(created.runtime_config).toEqual({});
      await waitForRun(base, created.run_id);
      expect((await call(base, 'GET', `${A}/experiments/${created.experiment_id}`)).json.last_run_created_at).toBe(
        created.created_at,
      );
    });

    it('failing task: FAILED, error naming the task with its log tail, secrets masked everywhere', async () => {
      const created = await newRun({
        display_name: 'run-fail',
        experiment_id: experimentId,
        pipeline_version_reference: versionRef,
        runtime_config: { parameters: { run_label: 'fail' } },
      });
      const done = await waitForRun(base, created.run_id);
      expect(done.state).toBe('FAILED');
      expect(done.error.code).toBe(2);
      expect(done.error.message).toContain("task 'train-model' failed: RuntimeError: cannot reach MinIO");
      expect(done.error.message).toContain("last 3 log lines of task 'train-model':");
      const failed = done.run_details.task_details.find(
        (t: { display_name: string }) => t.display_name === 'train-model',
      );
      expect(failed.state).toBe('FAILED');
      expect(failed.error).toEqual({ code: 2, message: 'RuntimeError: cannot reach MinIO with key ***' });
      expect(JSON.stringify(done)).not.toContain(RUNNER_SECRET);
      const client = new pg.Client({ ...postgres.database });
      await client.connect();
      try {
        const stored = await client.query('SELECT row_to_json(runs)::text AS row FROM runs WHERE run_id = $1', [
          created.run_id,
        ]);
        expect(stored.rows[0].row).toContain('cannot reach MinIO');
        expect(stored.rows[0].row).not.toContain(RUNNER_SECRET);
      } finally {
        await client.end();
      }
      expect(logs.join('\n')).not.toContain(RUNNER_SECRET);
    });

    it('runner crash, garbage output, refused input: FAILED with a clear error', async () => {
      const expectations: Array<[string, number, string]> = [
        [
          'crash',
          13,
          'the local runner crashed: it exited with code 1 without a JSON result on stdout\nlast stderr lines:\nTraceback',
        ],
        ['garbage', 13, 'stdout began: "this is not JSON"'],
        ['invalid', 3, "the local runner refused the run: parameter 'epochs' expects integer"],
      ];
      const runs = await Promise.all(
        expectations.map(([mode]) =>
          newRun({
            display_name: `run-${mode}`,
            experiment_id: experimentId,
            pipeline_version_reference: versionRef,
            runtime_config: { parameters: { run_label: mode } },
          }),
        ),
      );
      for (const [i, [mode, code, text]] of expectations.entries()) {
        const done = await waitForRun(base, runs[i].run_id);
        expect(done.state, mode).toBe('FAILED');
        expect(done.error.code, mode).toBe(code);
        expect(done.error.message, mode).toContain(text);
      }
    });

    it('terminate: a running run goes CANCELING then CANCELED; a queued one CANCELED at once', async () => {
      const hanging = await newRun({
        display_name: 'run-hang',
        experiment_id: experimentId,
        pipeline_version_reference: versionRef,
        runtime_config: { parameters: { run_label: 'hang' } },
      });
      await waitForRun(base, hanging.run_id, ['RUNNING']);
      await waitForHangingRunner(join(postgres.dir, 'work'), hanging.run_id);
      // One run at a time: this one waits behind the hanging run.
      const queued = await newRun({ display_name: 'run-queued', pipeline_version_reference: versionRef });
      expect((await call(base, 'GET', `${A}/runs/${queued.run_id}`)).json.state).toBe('PENDING');

      const terminateQueued = await call(base, 'POST', `${A}/runs/${queued.run_id}:terminate`);
      expect([terminateQueued.status, terminateQueued.json]).toEqual([200, {}]);
      const queuedDone = await call(base, 'GET', `${A}/runs/${queued.run_id}`);
      expect(queuedDone.json.state).toBe('CANCELED');
      expect(queuedDone.json.state_history.map((h: { state: string }) => h.state)).toEqual([
        'PENDING',
        'CANCELING',
        'CANCELED',
      ]);

      const terminate = await call(base, 'POST', `${A}/runs/${hanging.run_id}:terminate`);
      expect([terminate.status, terminate.json]).toEqual([200, {}]);
      expect(['CANCELING', 'CANCELED']).toContain((await call(base, 'GET', `${A}/runs/${hanging.run_id}`)).json.state);
      const done = await waitForRun(base, hanging.run_id);
      expect(done.state).toBe('CANCELED');
      expect(done.state_history.map((h: { state: string }) => h.state)).toEqual([
        'PENDING',
        'RUNNING',
        'CANCELING',
        'CANCELED',
      ]);
      expect(done.run_details.task_details[0]).toMatchObject({ display_name: 'prepare-data', state: 'CANCELED' });

      const again = await call(base, 'POST', `${A}/runs/${hanging.run_id}:terminate`);
      expect([again.status, again.json.code]).toEqual([400, 3]);
      expect(again.json.message).toContain('Failed to terminate a run');
      expect((await call(base, 'POST', `${A}/runs/no-such-run:terminate`)).status).toBe(404);
    });

    it('create errors: the right code for each bad request', async () => {
      const cases: Array<[Record<string, unknown> | string, number, string]> = [
        [
          { display_name: 'x', pipeline_version_reference: versionRef, experiment_id: 'nope' },
          404,
          'Experiment nope not found',
        ],
        [
          { display_name: 'x', pipeline_version_reference: { ...versionRef, pipeline_version_id: 'nope' } },
          404,
          'nope not found',
        ],
        [{ display_name: 'x', pipeline_version_reference: { pipeline_id: 'nope' } }, 404, 'Pipeline nope not found'],
        [
          { display_name: 'x', pipeline_version_reference: { ...versionRef, pipeline_id: 'other' } },
          400,
          'not to other',
        ],
        [{ pipeline_version_reference: versionRef }, 400, 'The run name is empty'],
        [{ display_name: 'x' }, 400, 'it needs a pipeline'],
        [
          { display_name: 'x', pipeline_version_reference: versionRef, colour: 1 },
          400,
          'unknown field "colour" in v2beta1.Run',
        ],
        [
          { display_name: 'x', pipeline_version_reference: versionRef, runtime_config: { parameters: { nope: 1 } } },
          400,
          'unrecognized input parameter "nope"',
        ],
        [
          {
            display_name: 'x',
            pipeline_version_reference: versionRef,
            runtime_config: { parameters: { epochs: '5' } },
          },
          400,
          '"epochs" is NUMBER_INTEGER',
        ],
        [{ display_name: 'x', pipeline_spec: { hello: 'world' } }, 400, 'not a valid KFP v2 pipeline spec'],
        ['{"display_name": "x",', 400, 'invalid JSON'],
      ];
      for (const [body, status, text] of cases) {
        const response = await call(base, 'POST', `${A}/runs`, body);
        expect(response.status, JSON.stringify(body)).toBe(status);
        expect(response.json.message, JSON.stringify(body)).toContain(text);
      }
    });

    it('an inline pipeline_spec runs too, and is returned as given', async () => {
      const version = await call(
        base,
        'GET',
        `${A}/pipelines/${versionRef.pipeline_id}/versions/${versionRef.pipeline_version_id}`,
      );
      const created = await newRun({ display_name: 'run-inline', pipeline_spec: version.json.pipeline_spec });
      expect(created.pipeline_spec).toEqual(version.json.pipeline_spec);
      expect(created.pipeline_version_reference).toBeUndefined();
      expect((await waitForRun(base, created.run_id)).state).toBe('SUCCEEDED');
    });

    it('list: by experiment, sorted, filtered by state, paged', async () => {
      const experiment = (await call(base, 'POST', `${A}/experiments`, { display_name: 'run-list' })).json
        .experiment_id;
      const ids: string[] = [];
      for (const label of ['succeed', 'fail', 'succeed']) {
        const run = await newRun({
          display_name: `list-${ids.length}`,
          experiment_id: experiment,
          pipeline_version_reference: versionRef,
          runtime_config: { parameters: { run_label: label } },
        });
        ids.push(run.run_id);
      }
      for (const id of ids) await waitForRun(base, id);
      const list = async (params: Record<string, string>) =>
        (await call(base, 'GET', `${A}/runs?${new URLSearchParams({ experiment_id: experiment, ...params })}`)).json;
      const all = await list({ sort_by: 'display_name desc' });
      expect(all.total_size).toBe(3);
      expect(all.runs.map((r: { display_name: string }) => r.display_name)).toEqual(['list-2', 'list-1', 'list-0']);
      const succeeded = await list({
        filter: JSON.stringify({ predicates: [{ key: 'state', operation: 'EQUALS', string_value: 'SUCCEEDED' }] }),
        sort_by: 'display_name',
      });
      expect(succeeded.runs.map((r: { display_name: string }) => r.display_name)).toEqual(['list-0', 'list-2']);
      const page1 = await list({ page_size: '2', sort_by: 'created_at desc' });
      const page2 = await list({ page_size: '2', page_token: page1.next_page_token });
      expect([...page1.runs, ...page2.runs].map((r: { run_id: string }) => r.run_id).sort()).toEqual([...ids].sort());
      expect(page2.next_page_token).toBeUndefined();
      const everything = (await call(base, 'GET', `${A}/runs?page_size=200`)).json;
      expect(everything.total_size).toBeGreaterThan(3);
    });

    it('delete: the run is gone', async () => {
      const run = await newRun({ display_name: 'to-delete', pipeline_version_reference: versionRef });
      await waitForRun(base, run.run_id);
      expect((await call(base, 'DELETE', `${A}/runs/${run.run_id}`)).json).toEqual({});
      expect((await call(base, 'GET', `${A}/runs/${run.run_id}`)).status).toBe(404);
    });
  });

  describe('durability', () => {
    it('after a restart on the same database everything is there; a queued run runs, an interrupted one failed', async () => {
      const { pipeline, version } = await newPipeline('durable', 'sha256:durable');
      const experiment = (await call(base, 'POST', `${A}/experiments`, { display_name: 'durable' })).json;
      const finished = await newRun({
        display_name: 'durable-done',
        experiment_id: experiment.experiment_id,
        pipeline_version_reference: {
          pipeline_id: pipeline.pipeline_id,
          pipeline_version_id: version.pipeline_version_id,
        },
      });
      const finishedRun = await waitForRun(base, finished.run_id);
      const hanging = await newRun({
        display_name: 'durable-hang',
        pipeline_version_reference: { pipeline_id: pipeline.pipeline_id },
        runtime_config: { parameters: { run_label: 'hang' } },
      });
      await waitForRun(base, hanging.run_id, ['RUNNING']);
      await waitForHangingRunner(join(postgres.dir, 'work'), hanging.run_id);
      const queued = await newRun({
        display_name: 'durable-queued',
        pipeline_version_reference: { pipeline_id: pipeline.pipeline_id },
      });

      await api.stop();
      await api.stop(); // idempotent
      expect((await call(base, 'GET', `${A}/healthz`).catch(() => ({ status: 0 }))).status).toBe(0);
      await start();

      expect((await call(base, 'GET', `${A}/pipelines/${pipeline.pipeline_id}`)).json.description).toBe(
        'sha256:durable',
      );
      expect(
        (await call(base, 'GET', `${A}/pipelines/${pipeline.pipeline_id}/versions/${version.pipeline_version_id}`))
          .json,
      ).toEqual(version);
      expect((await call(base, 'GET', `${A}/experiments/${experiment.experiment_id}`)).json.display_name).toBe(
        'durable',
      );
      expect((await call(base, 'GET', `${A}/runs/${finished.run_id}`)).json).toEqual(finishedRun);
      const interrupted = (await call(base, 'GET', `${A}/runs/${hanging.run_id}`)).json;
      expect(interrupted.state).toBe('FAILED');
      expect(interrupted.error.message).toContain('the local KFP API was stopped while the run was executing');
      expect((await waitForRun(base, queued.run_id)).state).toBe('SUCCEEDED');
      const defaults = await call(
        base,
        'GET',
        `${A}/experiments?filter=${encodeURIComponent(JSON.stringify({ predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'Default' }] }))}`,
      );
      expect(defaults.json.total_size).toBe(1);
    });
  });
});
