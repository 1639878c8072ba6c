import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HintedError } from '../checks/check.js';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { S3CallError, S3Store, s3Failure } from './s3.js';
import { closedPort, startHttpServer, startSilentServer, type TestServer } from './test-server.js';

const SECRET = 'minio-secret-key-4242';
const site = {
  action: 'ListBuckets at http://h:9000',
  expected: 'the bucket list',
  host: 'h',
  port: 9000,
  timeoutMs: 1000,
};

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

let server: TestServer;
const objects = new Map<string, string>();

/** Just enough of the S3 API, path-style, to drive S3Store: buckets `good` and `locked` exist. */
beforeAll(async () => {
  registerSecret(SECRET);
  server = await startHttpServer((req, res) => {
    const path = decodeURIComponent(req.url.split('?')[0] ?? '');
    const [, bucket = '', ...rest] = path.split('/');
    const key = rest.join('/');
    const xml = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(body);
    };
    if (req.headers.authorization?.includes('Credential=unknown/')) {
      return xml(403, xmlError('InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records.'));
    }
    if (req.method === 'GET' && path === '/') {
      return xml(
        200,
        '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>x</ID></Owner><Buckets><Bucket><Name>good</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket><Bucket><Name>locked</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>',
      );
    }
    if (bucket === 'locked') return xml(403, req.method === 'HEAD' ? '' : xmlError('AccessDenied', 'Access Denied.'));
    if (bucket !== 'good')
      return xml(404, req.method === 'HEAD' ? '' : xmlError('NoSuchBucket', 'The specified bucket does not exist'));
    if (req.method === 'HEAD' && !key) return xml(200, '');
    if (req.method === 'PUT') {
      objects.set(key, req.body);
      res.writeHead(200, { etag: '"x"' });
      return res.end();
    }
    if (req.method === 'GET') {
      if (!objects.has(key)) return xml(404, xmlError('NoSuchKey', 'The specified key does not exist.'));
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(objects.get(key));
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      res.writeHead(204);
      return res.end();
    }
    return xml(400, xmlError('BadRequest', 'unexpected'));
  });
});

afterAll(async () => {
  await server.close();
  clearRegisteredSecrets();
});

const store = (endpoint: string, accessKey = 'minioadmin', timeoutMs = 2000) =>
  new S3Store({ endpoint, accessKey, secretKey: SECRET, region: 'us-east-1' }, { timeoutMs });

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HintedError);
  return e as HintedError;
};

describe('S3Store against a fake S3 endpoint', () => {
  it('lists buckets, tells existing from missing, and round-trips an object', async () => {
    const s3 = store(server.url);
    try {
      expect(await s3.listBuckets()).toEqual(['good', 'locked']);
      expect(await s3.bucketExists('good')).toBe(true);
      expect(await s3.bucketExists('absent')).toBe(false);
      await s3.putText('good', 'p/probe.txt', 'hello');
      expect(await s3.getText('good', 'p/probe.txt')).toBe('hello');
      await s3.deleteObject('good', 'p/probe.txt');
      expect(objects.has('p/probe.txt')).toBe(false);
    } finally {
      s3.destroy();
    }
  });

  it('a 403 on HeadBucket is an error, not "missing"', async () => {
    const s3 = store(server.url);
    try {
      const error = await failure(s3.bucketExists('locked'));
      expect(error).toBeInstanceOf(S3CallError);
      expect(error.message).toContain('HeadBucket locked at');
      expect(error.message).toContain('saw HTTP 403');
      expect(error.hint).toContain('MINIO_ACCESS_KEY');
    } finally {
      s3.destroy();
    }
  });

  it('names an unknown access key, never the secret', async () => {
    const s3 = store(server.url, 'unknown');
    try {
      const error = await failure(s3.listBuckets());
      expect(error.message).toContain('saw InvalidAccessKeyId (HTTP 403)');
      expect(error.hint).toContain('MINIO_ACCESS_KEY');
      expect(`${error.message}${error.hint}`).not.toContain(SECRET);
    } finally {
      s3.destroy();
    }
  });

  it('a write to a missing bucket names the bucket and how to create it', async () => {
    const s3 = store(server.url);
    try {
      const error = await failure(s3.putText('raw-data', 'k', 'v'));
      expect(error.message).toContain('saw NoSuchBucket (HTTP 404)');
      expect(error.hint).toContain('`mc mb <alias>/raw-data`');
    } finally {
      s3.destroy();
    }
  });

  it('a refused connection fails fast despite the SDK retry', async () => {
    const s3 = store(`http://127.0.0.1:${await closedPort()}`);
    try {
      const started = performance.now();
      const error = await failure(s3.listBuckets());
      expect(performance.now() - started).toBeLessThan(1500);
      expect(error.message).toContain('saw connection refused (ECONNREFUSED)');
      expect(error.hint).toContain('nothing listens on 127.0.0.1:');
    } finally {
      s3.destroy();
    }
  });

  it('a server that never answers fails within the deadline', async () => {
    const silent = await startSilentServer();
    const s3 = store(silent.url, 'minioadmin', 300);
    try {
      const started = performance.now();
      const error = await failure(s3.listBuckets());
      expect(performance.now() - started).toBeLessThan(2000);
      expect(error.message).toContain('no answer within 300 ms');
    } finally {
      s3.destroy();
      await silent.close();
    }
  });
});

describe('s3Failure', () => {
  const sdkError = (name: string, status: number, message = name) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it.each([
    ['SignatureDoesNotMatch', 403, 'MINIO_SECRET_KEY'],
    ['AccessDenied', 403, 'policy'],
    ['AuthorizationHeaderMalformed', 400, 'MINIO_REGION'],
    ['XMinioServerNotInitialized', 503, 'starting'],
  ])('%s (HTTP %i) → hint mentions %s', (name, status, expected) => {
    expect(s3Failure(sdkError(name, status), site).hint).toContain(expected);
  });

  it('a 404 from something that is not S3 suggests the wrong port', () => {
    expect(s3Failure(sdkError('UnknownError', 404), site).hint).toContain('S3 API port');
  });

  it('network errors without a status are classified like any other', () => {
    const error = s3Failure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), site);
    expect(error.hint).toContain('nothing listens on h:9000');
  });
});

describe('S3Store object reads: head, paginated list, streams with deadlines', () => {
  let objectServer: TestServer;
  beforeAll(async () => {
    objectServer = await startHttpServer((req, res) => {
      const [path = '', query = ''] = req.url.split('?');
      const params = new URLSearchParams(query);
      if (req.method === 'GET' && (path === '/b' || path === '/b/') && params.get('list-type') === '2') {
        const second = params.get('continuation-token') === 'page-2';
        const keys = second ? ['p/c'] : ['p/a', 'p/b'];
        const contents = keys
          .map(
            (k) =>
              `<Contents><Key>${k}</Key><Size>3</Size><ETag>"e-${k}"</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>`,
          )
          .join('');
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>p/</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>${!second}</IsTruncated>${second ? '' : '<NextContinuationToken>page-2</NextContinuationToken>'}${contents}</ListBucketResult>`,
        );
      }
      if (req.method === 'HEAD' && path === '/b/present') {
        res.writeHead(200, { 'content-length': '42', etag: '"abc"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
        return res.end();
      }
      if (req.method === 'HEAD') {
        res.writeHead(404);
        return res.end();
      }
      if (path === '/b/stall') {
        res.writeHead(200, { 'content-length': '1000' });
        return void res.write('abc');
      }
      if (path === '/b/silent-body') {
        res.writeHead(200, { 'content-length': '1000' });
        return void res.flushHeaders();
      }
      res.writeHead(400);
      res.end();
    });
  });
  afterAll(() => objectServer.close());

  const read = async (stream: AsyncIterable<unknown>) => {
    const chunks: string[] = [];
    for await (const c of stream) chunks.push(String(c));
    return chunks.join('');
  };

  it('headObject: size, etag without quotes, last modified; 404 → undefined', async () => {
    const s3 = store(objectServer.url);
    try {
      expect(await s3.headObject('b', 'present')).toEqual({
        size: 42,
        etag: 'abc',
        lastModified: '2024-01-01T00:00:00.000Z',
      });
      expect(await s3.headObject('b', 'absent')).toBeUndefined();
    } finally {
      s3.destroy();
    }
  });

  it('listObjects follows continuation tokens to the last page', async () => {
    const s3 = store(objectServer.url);
    try {
      const before = objectServer.requests.length;
      const listed = await s3.listObjects('b', 'p/');
      expect(listed.map((o) => `${o.key}:${o.size}:${o.etag}`)).toEqual(['p/a:3:e-p/a', 'p/b:3:e-p/b', 'p/c:3:e-p/c']);
      const lists = objectServer.requests.slice(before).map((r) => r.url);
      expect(lists).toHaveLength(2);
      expect(lists[1]).toContain('continuation-token=page-2');
    } finally {
      s3.destroy();
    }
  });

  it('a transfer that stalls after the first bytes fails within the idle timeout, naming the object', async () => {
    const s3 = store(objectServer.url, 'minioadmin', 5000);
    try {
      const started = performance.now();
      const stream = await s3.getObjectStream('b', 'stall', { idleMs: 200 });
      const error = await failure(read(stream));
      expect(performance.now() - started).toBeLessThan(2000);
      expect(error.message).toContain('GetObject s3://b/stall at');
      expect(error.message).toContain('saw no data for 200 ms (idle)');
      expect(error.hint).toContain('stalled');
    } finally {
      s3.destroy();
    }
  });

  it('headers without a first byte fail within the first-byte deadline', async () => {
    const s3 = store(objectServer.url, 'minioadmin', 5000);
    try {
      const started = performance.now();
      const error = await failure(s3.getObjectStream('b', 'silent-body', { firstByteMs: 300 }).then(read));
      expect(performance.now() - started).toBeLessThan(2000);
      expect(error.message).toContain('(first byte)');
    } finally {
      s3.destroy();
    }
  });

  it('a server that never answers the GetObject fails within the first-byte deadline', async () => {
    const silent = await startSilentServer();
    const s3 = store(silent.url, 'minioadmin', 5000);
    try {
      const started = performance.now();
      const error = await failure(s3.getObjectStream('b', 'k', { firstByteMs: 300 }));
      expect(performance.now() - started).toBeLessThan(2000);
      expect(error.message).toContain('GetObject s3://b/k at');
    } finally {
      s3.destroy();
      await silent.close();
    }
  });
});
