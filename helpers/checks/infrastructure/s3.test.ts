import { describe, expect, it } from 'vitest';
import { S3CallError } from '../../clients/s3.js';
import { HintedError } from '../check.js';
import { PROBE_PREFIX, s3BucketsExist, s3ListBuckets, s3ProbeObject } from './s3.js';
import { stubClients, testConfig } from './test-support.js';

const config = testConfig();
const ENDPOINT = 'http://127.0.0.1:9000';

function fakeS3(options: {
  buckets?: Record<string, boolean | Error>;
  put?: Error;
  get?: Error | ((written: string) => string);
  del?: Error;
}) {
  const calls: string[] = [];
  const store = new Map<string, string>();
  const s3 = {
    endpoint: ENDPOINT,
    listBuckets: async () => Object.keys(options.buckets ?? {}),
    bucketExists: async (bucket: string) => {
      const state = options.buckets?.[bucket] ?? true;
      if (state instanceof Error) throw state;
      return state;
    },
    putText: async (bucket: string, key: string, text: string) => {
      calls.push(`put ${bucket}/${key}`);
      if (options.put) throw options.put;
      store.set(key, text);
    },
    getText: async (bucket: string, key: string) => {
      calls.push(`get ${bucket}/${key}`);
      if (options.get instanceof Error) throw options.get;
      const written = store.get(key) ?? '';
      return options.get ? options.get(written) : written;
    },
    deleteObject: async (bucket: string, key: string) => {
      calls.push(`delete ${bucket}/${key}`);
      if (options.del) throw options.del;
      store.delete(key);
    },
  };
  return { calls, store, clients: stubClients({ s3 }) };
}

const refused = () =>
  new HintedError('PutObject …: saw connection refused (ECONNREFUSED)', 'nothing listens', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });

describe('infrastructure.s3.list-buckets', () => {
  it('records the buckets and latency', async () => {
    const { clients } = fakeS3({ buckets: { a: true, b: true } });
    const outcome = await s3ListBuckets.run({ config, clients });
    expect(outcome).toMatchObject({ status: 'passed', evidence: { endpoint: ENDPOINT, buckets: ['a', 'b'] } });
    expect(outcome.evidence.latencyMs).toEqual(expect.any(Number));
  });
});

describe('infrastructure.s3.buckets-exist', () => {
  it('passes with evidence for each of the six buckets', async () => {
    const { clients } = fakeS3({});
    const outcome = await s3BucketsExist.run({ config, clients });
    expect(outcome.status).toBe('passed');
    expect(Object.keys(outcome.evidence.buckets as object)).toEqual([
      'raw-data',
      'processed-data',
      'models',
      'predictions',
      'mlflow-artifacts',
      'mlpipeline',
    ]);
    expect(outcome.evidence.buckets).toMatchObject({ models: { key: 'buckets.models', exists: true } });
  });

  it('lists every missing bucket in one failure, with its key and how to create it', async () => {
    const { clients } = fakeS3({ buckets: { 'raw-data': false, mlpipeline: false } });
    const outcome = await s3BucketsExist.run({ config, clients });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: `${ENDPOINT}: expected all 6 configured buckets to exist, missing 2: raw-data (buckets.rawData), mlpipeline (buckets.pipelineRoot)`,
    });
    const hint = outcome.status === 'failed' ? (outcome.hint ?? '') : '';
    expect(hint).toContain('kfp-e2e stack up');
    expect(hint).toContain('mc mb <alias>/raw-data <alias>/mlpipeline');
    expect(hint).toContain('BUCKET_RAW_DATA, BUCKET_PIPELINE_ROOT');
  });

  it('does not call a bucket missing when the server refused to say', async () => {
    const denied = new S3CallError(
      'HeadBucket models at …: saw HTTP 403',
      'check MINIO_ACCESS_KEY',
      403,
      'Unknown',
      null,
    );
    const { clients } = fakeS3({ buckets: { models: denied, predictions: false } });
    const outcome = await s3BucketsExist.run({ config, clients });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'HeadBucket models at …: saw HTTP 403; missing: predictions (buckets.predictions)',
      hint: 'check MINIO_ACCESS_KEY',
      evidence: { buckets: { models: { error: expect.stringContaining('403') }, predictions: { exists: false } } },
    });
  });
});

describe('infrastructure.s3.probe-object', () => {
  it('writes, reads back and deletes one probe under the probe prefix', async () => {
    const { clients, calls, store } = fakeS3({});
    const outcome = await s3ProbeObject.run({ config, clients });
    expect(outcome).toMatchObject({
      status: 'passed',
      evidence: { bucket: 'mlpipeline', roundTrip: 'identical', deleted: true },
    });
    const key = outcome.evidence.key as string;
    expect(key.startsWith(PROBE_PREFIX)).toBe(true);
    expect(calls).toEqual([`put mlpipeline/${key}`, `get mlpipeline/${key}`, `delete mlpipeline/${key}`]);
    expect(store.size).toBe(0);
  });

  it('uses a new key on every run', async () => {
    const a = await s3ProbeObject.run({ config, clients: fakeS3({}).clients });
    const b = await s3ProbeObject.run({ config, clients: fakeS3({}).clients });
    expect(a.evidence.key).not.toBe(b.evidence.key);
  });

  it('still deletes the probe when reading it back fails', async () => {
    const { clients, calls } = fakeS3({ get: new HintedError('GetObject …: no answer within 2000 ms', 'timeout') });
    const outcome = await s3ProbeObject.run({ config, clients });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'GetObject …: no answer within 2000 ms',
      evidence: { deleted: true },
    });
    expect(calls.at(-1)).toMatch(/^delete /);
  });

  it('fails, and deletes, when the content read back differs', async () => {
    const { clients, calls } = fakeS3({ get: () => 'something else' });
    const outcome = await s3ProbeObject.run({ config, clients });
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.error).toContain('bytes that differ');
    expect(calls.at(-1)).toMatch(/^delete /);
  });

  it('does not try to delete what was never written (refused, or rejected by MinIO)', async () => {
    for (const put of [
      refused(),
      new S3CallError('PutObject …: NoSuchBucket', 'create it', 404, 'NoSuchBucket', null),
    ]) {
      const { clients, calls } = fakeS3({ put });
      const outcome = await s3ProbeObject.run({ config, clients });
      expect(outcome.status).toBe('failed');
      expect(calls.filter((c) => c.startsWith('delete'))).toEqual([]);
    }
  });

  it('deletes after a write that timed out: it may have landed', async () => {
    const { clients, calls } = fakeS3({
      put: new HintedError('PutObject …: no answer within 2000 ms', 'x', {
        cause: new DOMException('t', 'TimeoutError'),
      }),
    });
    await s3ProbeObject.run({ config, clients });
    expect(calls.at(-1)).toMatch(/^delete /);
  });

  it('fails when the probe is left behind, naming it', async () => {
    const { clients } = fakeS3({ del: new Error('AccessDenied') });
    const outcome = await s3ProbeObject.run({ config, clients });
    expect(outcome).toMatchObject({ status: 'failed', evidence: { deleted: false } });
    expect(outcome.status === 'failed' && outcome.error).toMatch(
      /^probe object s3:\/\/mlpipeline\/kfp-e2e\/probes\/.* was left behind: AccessDenied$/,
    );
  });
});
