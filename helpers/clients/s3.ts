import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { HintedError } from '../checks/check.js';
import { maskText } from '../config/mask.js';
import type { Config } from '../config/schema.js';
import { deadline } from '../util/timeout.js';
import { type CallSite, networkFailure, statusHint } from './client-error.js';
import { endpointFromUrl } from './endpoint.js';

/** How to reach MinIO (the `minio` block of the configuration). */
export type MinioSettings = Pick<Config['minio'], 'endpoint' | 'accessKey' | 'secretKey' | 'region'>;

export interface S3CallOptions {
  timeoutMs?: number;
}

/**
 * MinIO through the S3 API: path-style addressing (MinIO serves buckets as paths, not
 * subdomains), static credentials, a deadline on every call and at most one retry.
 */
export class S3Store {
  /** The endpoint as it may be printed. */
  readonly endpoint: string;
  readonly #host: string;
  readonly #port: number;
  readonly #timeoutMs: number;
  readonly #client: S3Client;

  constructor(minio: MinioSettings, options: { timeoutMs: number }) {
    const { host, port, display } = endpointFromUrl(minio.endpoint);
    this.endpoint = display;
    this.#host = host;
    this.#port = port;
    this.#timeoutMs = options.timeoutMs;
    // The SDK warns on every run that its future releases need Node 22; our pinned release supports
    // Node 20, so the warning is noise in every report and log.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.#client = new S3Client({
      endpoint: minio.endpoint,
      region: minio.region,
      forcePathStyle: true,
      credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
      // The SDK's own retry: two attempts in all, so a refused connection costs one short backoff.
      maxAttempts: 2,
      requestHandler: {
        connectionTimeout: options.timeoutMs,
        requestTimeout: options.timeoutMs,
        throwOnRequestTimeout: true,
      },
      // Older MinIO releases reject the SDK's default CRC32 trailers; send checksums only when S3 requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Names of all buckets the credentials can see. */
  async listBuckets(options: S3CallOptions = {}): Promise<string[]> {
    const out = await this.#send('ListBuckets', 'the bucket list', undefined, options, (signal) =>
      this.#client.send(new ListBucketsCommand({}), { abortSignal: signal }),
    );
    return (out.Buckets ?? []).map((b) => b.Name ?? '').filter((name) => name !== '');
  }

  /** Whether a bucket exists; false on 404, an error on anything else (403 is not "absent"). */
  async bucketExists(bucket: string, options: S3CallOptions = {}): Promise<boolean> {
    try {
      await this.#send(`HeadBucket ${bucket}`, 'HTTP 200 or 404', bucket, options, (signal) =>
        this.#client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal }),
      );
      return true;
    } catch (error) {
      if (error instanceof S3CallError && error.status === 404) return false;
      throw error;
    }
  }

  /** Creates a bucket (the local stack does this at start; the suite never creates buckets on a cluster). */
  async createBucket(bucket: string, options: S3CallOptions = {}): Promise<void> {
    await this.#send(`CreateBucket ${bucket}`, 'the bucket created', bucket, options, (signal) =>
      this.#client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: signal }),
    );
  }

  async putText(bucket: string, key: string, text: string, options: S3CallOptions = {}): Promise<void> {
    await this.#send(`PutObject s3://${bucket}/${key}`, 'the object stored', bucket, options, (signal) =>
      this.#client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: 'text/plain; charset=utf-8' }),
        { abortSignal: signal },
      ),
    );
  }

  async getText(bucket: string, key: string, options: S3CallOptions = {}): Promise<string> {
    return this.#send(`GetObject s3://${bucket}/${key}`, 'the object', bucket, options, async (signal) => {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return (await out.Body?.transformToString('utf-8')) ?? '';
    });
  }

  async deleteObject(bucket: string, key: string, options: S3CallOptions = {}): Promise<void> {
    await this.#send(`DeleteObject s3://${bucket}/${key}`, 'the object deleted', bucket, options, (signal) =>
      this.#client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
    );
  }

  /** Size, ETag and last-modified time of an object; undefined when it does not exist (404). */
  async headObject(bucket: string, key: string, options: S3CallOptions = {}): Promise<ObjectHead | undefined> {
    try {
      const out = await this.#send(`HeadObject s3://${bucket}/${key}`, 'HTTP 200 or 404', bucket, options, (signal) =>
        this.#client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
      );
      return {
        size: out.ContentLength ?? 0,
        etag: (out.ETag ?? '').replace(/^"|"$/g, ''),
        ...(out.LastModified ? { lastModified: out.LastModified.toISOString() } : {}),
      };
    } catch (error) {
      // A missing bucket is a 404 too, but it is a configuration problem, not an absent object.
      if (error instanceof S3CallError && error.status === 404 && error.errorName !== 'NoSuchBucket') return undefined;
      throw error;
    }
  }

  /**
   * Every object under a prefix, page after page (continuation tokens); each page has its own
   * deadline. `maxObjects` bounds what a huge prefix can cost.
   */
  async listObjects(
    bucket: string,
    prefix: string,
    options: S3CallOptions & { maxObjects?: number } = {},
  ): Promise<ObjectEntry[]> {
    const limit = options.maxObjects ?? Number.POSITIVE_INFINITY;
    const entries: ObjectEntry[] = [];
    let token: string | undefined;
    do {
      const page = await this.#send(
        `ListObjectsV2 s3://${bucket}/${prefix}`,
        'the object list',
        bucket,
        options,
        (signal) =>
          this.#client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              ...(token ? { ContinuationToken: token } : {}),
            }),
            { abortSignal: signal },
          ),
      );
      for (const o of page.Contents ?? []) {
        if (entries.length >= limit) return entries;
        entries.push({
          key: o.Key ?? '',
          size: o.Size ?? 0,
          etag: (o.ETag ?? '').replace(/^"|"$/g, ''),
          ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}),
        });
      }
      // A truncated page without a token would loop forever on a misbehaving server.
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return entries;
  }

  /**
   * An object's bytes as a Node stream, for objects too large to hold in memory. The first byte must
   * arrive within `firstByteMs`; after that, the transfer fails when no byte arrives for `idleMs`
   * while the reader is waiting (a slow reader is not a stalled server). Both default to the
   * request timeout. Errors (404 included) are S3CallError/HintedError, before or during the stream.
   */
  async getObjectStream(
    bucket: string,
    key: string,
    options: { firstByteMs?: number; idleMs?: number } = {},
  ): Promise<Readable> {
    const firstByteMs = options.firstByteMs ?? this.#timeoutMs;
    const idleMs = options.idleMs ?? this.#timeoutMs;
    const site = this.#site(`GetObject s3://${bucket}/${key}`, "the object's bytes", firstByteMs);
    // Our own controller, not deadline(): the SDK keeps listening to the signal until the body is
    // consumed, so a fixed deadline would cut a long transfer in the middle.
    const controller = new AbortController();
    const started = performance.now();
    const timer = setTimeout(() => controller.abort(new StreamTimeout('first byte', firstByteMs)), firstByteMs);
    let body: Readable;
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: controller.signal,
      });
      if (!(out.Body instanceof Readable)) throw new Error('the SDK returned no Node stream for the body');
      body = out.Body;
    } catch (error) {
      clearTimeout(timer);
      throw s3Failure(error, site, bucket);
    }
    clearTimeout(timer);
    // What is left of the first-byte deadline runs once the reader asks for data.
    const remaining = Math.max(1, firstByteMs - (performance.now() - started));
    return new GuardedBody(body, remaining, idleMs, (error) =>
      error instanceof StreamTimeout
        ? new HintedError(
            maskText(`${site.action}: expected ${site.expected}, saw no data for ${error.ms} ms (${error.phase})`),
            `MinIO at ${this.#host}:${this.#port} stalled in the middle of a transfer — check its log and disk; raise E2E_REQUEST_TIMEOUT_MS only if it is merely slow`,
            { cause: error },
          )
        : s3Failure(error, site, bucket),
    );
  }

  /** Closes pooled connections; idempotent. */
  destroy(): void {
    this.#client.destroy();
  }

  async #send<T>(
    operation: string,
    expected: string,
    bucket: string | undefined,
    options: S3CallOptions,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const site = this.#site(operation, expected, timeoutMs);
    try {
      return await call(deadline(timeoutMs));
    } catch (error) {
      throw s3Failure(error, site, bucket);
    }
  }

  #site(operation: string, expected: string, timeoutMs: number): CallSite {
    return { action: `${operation} at ${this.endpoint}`, expected, host: this.#host, port: this.#port, timeoutMs };
  }
}

/** What HeadObject tells about an object. */
export interface ObjectHead {
  size: number;
  /** Without the quotes S3 puts around it. */
  etag: string;
  /** ISO 8601. */
  lastModified?: string;
}

export interface ObjectEntry extends ObjectHead {
  key: string;
}

/** No byte within a deadline, before (`first byte`) or during (`idle`) a transfer. */
class StreamTimeout extends Error {
  readonly phase: 'first byte' | 'idle';
  readonly ms: number;
  constructor(phase: 'first byte' | 'idle', ms: number) {
    super(`no data for ${ms} ms (${phase})`);
    this.name = 'StreamTimeout';
    this.phase = phase;
    this.ms = ms;
  }
}

/**
 * A response body behind two deadlines. The idle timer runs only while the reader asks for data
 * and none has come: when the reader applies back-pressure the body is paused and no timer runs,
 * so a slow validator is never mistaken for a stalled server.
 */
class GuardedBody extends Readable {
  readonly #body: Readable;
  readonly #idleMs: number;
  readonly #mapError: (error: unknown) => Error;
  #timer: NodeJS.Timeout | undefined;
  #nextMs: number;
  #phase: 'first byte' | 'idle' = 'first byte';

  constructor(body: Readable, firstByteMs: number, idleMs: number, mapError: (error: unknown) => Error) {
    super();
    this.#body = body;
    this.#idleMs = idleMs;
    this.#nextMs = firstByteMs;
    this.#mapError = mapError;
    body.pause();
    body.on('data', (chunk: Buffer) => {
      this.#disarm();
      this.#phase = 'idle';
      this.#nextMs = this.#idleMs;
      if (this.push(chunk)) this.#arm();
      else body.pause();
    });
    body.once('end', () => {
      this.#disarm();
      this.push(null);
    });
    body.once('error', (error) => {
      this.#disarm();
      this.destroy(this.#mapError(error));
    });
    // A body that closes without 'end' was cut (socket destroyed by a deadline elsewhere).
    body.once('close', () => {
      if (!body.readableEnded && !this.destroyed)
        this.destroy(this.#mapError(new Error('the connection closed before the end of the object')));
    });
  }

  override _read(): void {
    this.#arm();
    this.#body.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#disarm();
    this.#body.destroy();
    callback(error);
  }

  #arm(): void {
    if (this.#timer) return;
    const ms = this.#nextMs;
    const phase = this.#phase;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.destroy(this.#mapError(new StreamTimeout(phase, phase === 'idle' ? this.#idleMs : ms)));
    }, ms);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** An error status from the S3 API (the server answered). */
export class S3CallError extends HintedError {
  readonly status: number | undefined;
  readonly errorName: string;
  constructor(
    message: string,
    hint: string | undefined,
    status: number | undefined,
    errorName: string,
    cause: unknown,
  ) {
    super(message, hint, { cause });
    this.name = 'S3CallError';
    this.status = status;
    this.errorName = errorName;
  }
}

/** How to create missing buckets, naming them. */
export function bucketHint(buckets: readonly string[]): string {
  const them = buckets.length === 1 ? 'it' : 'them';
  return `create ${them} with \`kfp-e2e stack up\` (local stack) or \`mc mb ${buckets.map((b) => `<alias>/${b}`).join(' ')}\``;
}

/** S3 error names (error codes in the XML body) that say what to fix. */
const S3_HINTS: Record<string, string> = {
  InvalidAccessKeyId: 'MinIO does not know this access key — check MINIO_ACCESS_KEY',
  SignatureDoesNotMatch: 'the secret key does not match the access key — check MINIO_SECRET_KEY',
  AccessDenied: "the credentials are valid but lack permission for this operation — check the MinIO user's policy",
  NoSuchBucket: `the bucket does not exist — ${bucketHint(['<bucket>'])}`,
  AuthorizationHeaderMalformed: 'the region does not match the server — check MINIO_REGION',
  InvalidRegion: 'the region does not match the server — check MINIO_REGION',
  XMinioServerNotInitialized: 'MinIO is still starting — wait for /minio/health/ready',
  RequestTimeTooSkewed: "this machine's clock differs from the server's — sync the clock (NTP)",
};

/** What the S3 SDK threw, as a HintedError: service errors by name and status, the rest as network failures. */
export function s3Failure(error: unknown, site: CallSite, bucket?: string): HintedError {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  const status = meta?.httpStatusCode;
  if (error instanceof Error && status !== undefined) {
    const name = error.name;
    const detail =
      error.message && error.message !== name && error.message !== 'UnknownError' ? `: ${error.message}` : '';
    const hint =
      (name === 'NoSuchBucket' && bucket ? `bucket "${bucket}" does not exist — ${bucketHint([bucket])}` : undefined) ??
      S3_HINTS[name] ??
      (status === 404 && name !== 'NotFound'
        ? statusHint(status, site, { notFound: 'is MINIO_ENDPOINT the S3 API port (9000), not the console?' })
        : statusHint(status, site, { credentials: 'check MINIO_ACCESS_KEY and MINIO_SECRET_KEY' }));
    return new S3CallError(
      // A HEAD answer has no body, so no error code: the SDK calls it "Unknown" or by its status.
      maskText(
        `${site.action}: expected ${site.expected}, saw ${/^(Unknown|\d+)$/.test(name) ? `HTTP ${status}` : `${name} (HTTP ${status})`}${detail}`,
      ),
      hint,
      status,
      name,
      error,
    );
  }
  return networkFailure(error, site);
}
