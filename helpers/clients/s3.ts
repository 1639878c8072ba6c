import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
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
    const site: CallSite = {
      action: `${operation} at ${this.endpoint}`,
      expected,
      host: this.#host,
      port: this.#port,
      timeoutMs,
    };
    try {
      return await call(deadline(timeoutMs));
    } catch (error) {
      throw s3Failure(error, site, bucket);
    }
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
