import { randomUUID } from 'node:crypto';
import { classifyError, type FailureKind } from '../../clients/client-error.js';
import { bucketHint, S3CallError } from '../../clients/s3.js';
import { findKey } from '../../config/keys.js';
import { maskText } from '../../config/mask.js';
import type { Config } from '../../config/schema.js';
import { fail, HintedError, pass } from '../check.js';
import { timed } from './evidence.js';
import { serviceCheck } from './service-check.js';

export const s3ListBuckets = serviceCheck({
  id: 'infrastructure.s3.list-buckets',
  title: 'S3 API lists buckets with the configured credentials',
  needs: ['minio'],
  async run({ clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.s3.endpoint;
    const { value: buckets, latencyMs } = await timed(() => clients.s3.listBuckets({ timeoutMs }));
    evidence.buckets = buckets;
    evidence.latencyMs = latencyMs;
    return pass(evidence);
  },
});

/** The six configured buckets by their config key (`buckets.rawData` → `raw-data`). */
export function configuredBuckets(config: Config): { key: string; bucket: string }[] {
  return Object.entries(config.buckets).map(([role, bucket]) => ({ key: `buckets.${role}`, bucket }));
}

export const s3BucketsExist = serviceCheck({
  id: 'infrastructure.s3.buckets-exist',
  title: 'every configured bucket exists',
  needs: ['minio'],
  async run({ config, clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.s3.endpoint;
    const wanted = configuredBuckets(config);
    const { value: outcomes, latencyMs } = await timed(() =>
      Promise.allSettled(wanted.map(({ bucket }) => clients.s3.bucketExists(bucket, { timeoutMs }))),
    );
    evidence.latencyMs = latencyMs;
    const perBucket: Record<string, Record<string, unknown>> = {};
    const missing: typeof wanted = [];
    const errors: { bucket: string; error: unknown }[] = [];
    wanted.forEach((entry, i) => {
      const outcome = outcomes[i] as PromiseSettledResult<boolean>;
      if (outcome.status === 'fulfilled') {
        perBucket[entry.bucket] = { key: entry.key, exists: outcome.value };
        if (!outcome.value) missing.push(entry);
      } else {
        perBucket[entry.bucket] = { key: entry.key, error: messageOf(outcome.reason) };
        errors.push({ bucket: entry.bucket, error: outcome.reason });
      }
    });
    evidence.buckets = perBucket;

    const missingText = missing.map((m) => `${m.bucket} (${m.key})`).join(', ');
    const first = errors[0];
    if (first) {
      // An error is not absence: a 403 or a dead connection says nothing about the bucket.
      const others = errors.length > 1 ? ` (and ${errors.length - 1} more bucket(s) failed alike)` : '';
      const alsoMissing = missing.length > 0 ? `; missing: ${missingText}` : '';
      return fail(
        `${messageOf(first.error)}${others}${alsoMissing}`,
        first.error instanceof HintedError ? first.error.hint : undefined,
        evidence,
      );
    }
    if (missing.length > 0) {
      const names = missing.map((m) => m.bucket);
      return fail(
        `${clients.s3.endpoint}: expected all ${wanted.length} configured buckets to exist, missing ${missing.length}: ${missingText}`,
        `${bucketHint(names)}; or, if a name is wrong, fix ${missing.map((m) => findKey(m.key)?.env ?? m.key).join(', ')}`,
        evidence,
      );
    }
    return pass(evidence);
  },
});

/** Probe objects live under this prefix, so a leftover one is recognisable. */
export const PROBE_PREFIX = 'kfp-e2e/probes/';

/** Failures before a request leaves this machine: nothing can have been written. */
const NEVER_CONNECTED = new Set<FailureKind>(['refused', 'dns', 'dns-temporary', 'unreachable']);

export const s3ProbeObject = serviceCheck({
  id: 'infrastructure.s3.probe-object',
  title: 'an object can be written, read back and deleted',
  needs: ['minio'],
  async run({ config, clients, timeoutMs, evidence }) {
    const bucket = config.buckets.pipelineRoot;
    const token = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const key = `${PROBE_PREFIX}${token}.txt`;
    const content = `kfp-e2e infrastructure probe ${token}\n`;
    Object.assign(evidence, { endpoint: clients.s3.endpoint, bucket, key });

    let failure: unknown;
    // Whether the probe may exist now: certainly after a write, possibly after a write that timed
    // out or was cut off, not when MinIO refused it or no connection was ever made.
    let mayExist = true;
    try {
      try {
        evidence.putMs = (await timed(() => clients.s3.putText(bucket, key, content, { timeoutMs }))).latencyMs;
      } catch (error) {
        mayExist = !(error instanceof S3CallError) && !NEVER_CONNECTED.has(classifyError(error).kind);
        throw error;
      }
      const read = await timed(() => clients.s3.getText(bucket, key, { timeoutMs }));
      evidence.getMs = read.latencyMs;
      evidence.roundTrip = read.value === content ? 'identical' : 'differs';
      if (read.value !== content) {
        failure = new HintedError(
          maskText(
            `GetObject s3://${bucket}/${key} at ${clients.s3.endpoint}: expected the ${content.length} bytes just written, saw ${read.value.length} bytes that differ`,
          ),
          'a proxy or gateway in front of MinIO rewrites objects, or another writer shares the key — check MINIO_ENDPOINT',
        );
      }
    } catch (error) {
      failure = error;
    } finally {
      // Clean up whenever the probe may exist, even if reading it back failed.
      if (mayExist) {
        try {
          evidence.deleteMs = (await timed(() => clients.s3.deleteObject(bucket, key, { timeoutMs }))).latencyMs;
          evidence.deleted = true;
        } catch (error) {
          evidence.deleted = false;
          failure ??= new HintedError(
            `probe object s3://${bucket}/${key} was left behind: ${messageOf(error)}`,
            `delete it by hand (\`mc rm <alias>/${bucket}/${key}\`); the credentials may lack s3:DeleteObject`,
          );
        }
      }
    }
    if (failure) {
      return fail(messageOf(failure), failure instanceof HintedError ? failure.hint : undefined, evidence);
    }
    return pass(evidence);
  },
});

function messageOf(error: unknown): string {
  return maskText(error instanceof Error ? error.message : String(error));
}

export const s3Checks = [s3ListBuckets, s3BucketsExist, s3ProbeObject];
