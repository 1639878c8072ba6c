/**
 * The contract stage reads objects of any size: a ≥ 1 GB predictions CSV is generated on disk
 * (streamed, never in memory), uploaded to the stack's MinIO, then validated twice with the
 * contract's CSV validator — through S3Store.getObjectStream (network + parsing) and from the
 * local file (parsing alone) — measuring throughput and the process's peak RSS (sampled every 50 ms).
 * Both sources are also read once without any parsing: that raw rate is the I/O bound the
 * validator is compared with (the file was just written, so "disk" is mostly the page cache; the
 * object is read once, untimed, beforehand, so that every timed read starts equally warm).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type CsvResult, type CsvRules, validateCsvStream } from '../helpers/checks/contract/csv-validator.js';
import { S3Store } from '../helpers/clients/s3.js';
import type { Config } from '../helpers/config/schema.js';

export interface StreamFigures {
  bytes: number;
  rows: number;
  seconds: number;
  mbPerSecond: number;
  peakRssMb: number;
}

/** One source read to the end with no parsing: the ceiling for the validator. */
export interface RawReadFigures {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  peakRssMb: number;
  /** The source's mean chunk size: the validator pays a little per chunk. */
  meanChunkKiB: number;
}

export interface ContractStreamingResult extends StreamFigures {
  measuredAt: string;
  /** RSS before the validation started. */
  baselineRssMb: number;
  violations: number;
  uploadSeconds: number;
  /** The same validation from the local file: parsing without the network. */
  localDisk: StreamFigures;
  /** The same sources consumed without parsing (the I/O bound). */
  rawIo: { minio: RawReadFigures; localDisk: RawReadFigures };
  /** Validation throughput as a share of the raw read of the same source (1 = bound by I/O). */
  shareOfRawIo: { minio: number; localDisk: number };
}

/** The reference contract's predictions columns, with the pointer's model version rendered. */
const RULES: CsvRules = {
  columns: [
    { name: 'timestamp', type: 'timestamp' },
    { name: 'prediction', type: 'number', min: 0, max: 1000 },
    { name: 'actual', type: 'number' },
    { name: 'model_version', type: 'string', equals: '3' },
  ],
  rows: { min: 1 },
};

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Writes rows until the file holds at least `bytes`, waiting for drain: memory stays flat. */
async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write('timestamp,prediction,actual,model_name,model_version\n');
  const start = Date.UTC(2020, 0, 1);
  let written = 0;
  let row = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++, row++) {
      const ts = new Date(start + row * 60_000).toISOString().replace('.000Z', 'Z');
      lines.push(`${ts},${((row * 37) % 90_000) / 100},${((row * 53) % 80_000) / 100},poblesec-forecast,3\n`);
    }
    const block = lines.join('');
    written += Buffer.byteLength(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(file).size;
}

/** Runs `work` while sampling RSS; `bytes` picks the byte count out of its result. */
async function sampled<T>(
  work: () => Promise<T>,
  bytes: (result: T) => number,
): Promise<Omit<RawReadFigures, 'meanChunkKiB'> & { result: T; baseline: number }> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    const n = bytes(result);
    return {
      bytes: n,
      seconds: Math.round(seconds * 100) / 100,
      mbPerSecond: Math.round((n / 1e6 / seconds) * 10) / 10,
      peakRssMb: mb(peak),
      result,
      baseline,
    };
  } finally {
    clearInterval(sampler);
  }
}

async function measure(
  open: () => Promise<AsyncIterable<Buffer | string>>,
): Promise<StreamFigures & { result: CsvResult; baseline: number }> {
  const figures = await sampled(
    async () => validateCsvStream(await open(), RULES),
    (r) => r.bytes,
  );
  return { ...figures, rows: figures.result.rows };
}

/** Reads a source to the end and drops every chunk: what the validator would cost if parsing were free. */
async function measureRaw(open: () => Promise<AsyncIterable<Buffer | string>>): Promise<RawReadFigures> {
  const {
    result,
    baseline: _b,
    ...figures
  } = await sampled(
    async () => {
      let bytes = 0;
      let chunks = 0;
      for await (const chunk of await open()) {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        chunks++;
      }
      return { bytes, chunks };
    },
    (r) => r.bytes,
  );
  return { ...figures, meanChunkKiB: Math.round((result.bytes / Math.max(1, result.chunks) / 1024) * 10) / 10 };
}

export async function benchContractStreaming(
  config: Config,
  options: { bytes?: number; log?: (line: string) => void } = {},
): Promise<ContractStreamingResult> {
  const target = options.bytes ?? Number(process.env.BENCH_CONTRACT_BYTES ?? 1.05e9);
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-contract-stream-'));
  const file = join(dir, 'predictions.csv');
  const bucket = config.buckets.predictions;
  const key = `bench/contract-stream/${Date.now()}/predictions.csv`;
  const store = new S3Store(config.minio, { timeoutMs: config.timeouts.requestMs });
  // The upload is the bench's own set-up, not a suite operation: one PutObject of a file stream
  // with its length (no multipart helper is installed), with a deadline sized for a gigabyte.
  const uploader = new S3Client({
    endpoint: config.minio.endpoint,
    region: config.minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.minio.accessKey, secretAccessKey: config.minio.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    const size = await generate(file, target);
    log(`contract streaming: generated ${mb(size)} MiB at ${file}`);
    const uploadStarted = performance.now();
    await uploader.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: 'text/csv',
      }),
      { abortSignal: AbortSignal.timeout(10 * 60_000) },
    );
    const uploadSeconds = Math.round(((performance.now() - uploadStarted) / 1000) * 100) / 100;
    log(`contract streaming: uploaded to s3://${bucket}/${key} in ${uploadSeconds} s`);

    // One untimed read first: MinIO may write a large object past the page cache, and the first
    // read from disk would then make the raw figure (read first) look slower than the validation.
    await measureRaw(() => store.getObjectStream(bucket, key));
    const rawRemote = await measureRaw(() => store.getObjectStream(bucket, key));
    const rawLocal = await measureRaw(async () => createReadStream(file));
    log(
      `contract streaming: raw read ${rawRemote.mbPerSecond} MB/s from MinIO, ${rawLocal.mbPerSecond} MB/s from disk`,
    );
    const remote = await measure(() => store.getObjectStream(bucket, key));
    const local = await measure(async () => createReadStream(file));
    const violations = Object.values(remote.result.counts).reduce((a, b) => a + b, 0);
    if (remote.result.fatal || violations > 0 || remote.bytes !== size || rawRemote.bytes !== size) {
      throw new Error(
        `the generated object did not validate cleanly: ${remote.result.fatal ?? ''} ${JSON.stringify(remote.result.violations.slice(0, 3))} (${remote.bytes} of ${size} bytes)`,
      );
    }
    const strip = ({ result: _r, baseline: _b, ...figures }: typeof remote): StreamFigures => figures;
    const share = (validated: number, raw: number) => Math.round((validated / raw) * 100) / 100;
    return {
      measuredAt: new Date().toISOString(),
      ...strip(remote),
      baselineRssMb: mb(remote.baseline),
      violations,
      uploadSeconds,
      localDisk: strip(local),
      rawIo: { minio: rawRemote, localDisk: rawLocal },
      shareOfRawIo: {
        minio: share(remote.mbPerSecond, rawRemote.mbPerSecond),
        localDisk: share(local.mbPerSecond, rawLocal.mbPerSecond),
      },
    };
  } finally {
    await store.deleteObject(bucket, key).catch(() => {});
    store.destroy();
    uploader.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
