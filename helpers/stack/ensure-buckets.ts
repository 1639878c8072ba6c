import { type MinioSettings, S3Store } from '../clients/s3.js';

/** Creates each bucket that does not exist yet. Idempotent; every call bounded by timeoutMs. */
export async function ensureBuckets(
  target: MinioSettings,
  buckets: readonly string[],
  timeoutMs = 5000,
): Promise<void> {
  const store = new S3Store(target, { timeoutMs });
  try {
    await Promise.all(
      [...new Set(buckets)].map(async (bucket) => {
        if (!(await store.bucketExists(bucket))) await store.createBucket(bucket);
      }),
    );
  } finally {
    store.destroy();
  }
}
