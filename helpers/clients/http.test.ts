import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HintedError } from '../checks/check.js';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { describeError, HttpClient } from './http.js';
import { closedPort, json, startHttpServer, startSilentServer, type TestServer, text } from './test-server.js';

let server: TestServer;
let hits: Record<string, number>;
let http: HttpClient;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const path = req.url.split('?')[0] ?? '';
    hits[path] = (hits[path] ?? 0) + 1;
    switch (path) {
      case '/ok':
        return json(res, 200, { name: 'x', count: 2 });
      case '/text':
        return text(res, 200, 'OK');
      case '/echo':
        return json(res, 200, { method: req.method, body: req.body, auth: req.headers.authorization ?? null });
      case '/401':
        return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'bad token' });
      case '/403':
        return text(res, 403, 'Forbidden');
      case '/404':
        return text(res, 404, '<html><body><h1>Not Found</h1></body></html>');
      case '/500':
        return json(res, 500, { detail: 'boom' });
      case '/redirect':
        return text(res, 302, '', { location: 'http://127.0.0.1/dex/auth?client_secret=xyz' });
      case '/malformed':
        return text(res, 200, '<html>login</html>', { 'content-type': 'text/html' });
      case '/flaky':
        // 503 on the first call, 200 after: a server that is momentarily not ready.
        return hits[path] === 1 ? text(res, 503, 'not ready') : json(res, 200, { ok: true });
      case '/always-503':
        return text(res, 503, 'not ready');
      case '/reset-once':
        if (hits[path] === 1) return void res.socket?.destroy();
        return json(res, 200, { ok: true });
      default:
        return text(res, 404, 'no route');
    }
  });
});

afterAll(async () => {
  await server.close();
});

beforeAll(() => {
  http = new HttpClient({ timeoutMs: 2000 });
});
afterAll(async () => {
  await http.close();
});
afterEach(() => {
  hits = {};
  clearRegisteredSecrets();
});
hits = {};

const failure = async (promise: Promise<unknown>): Promise<HintedError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HintedError);
  return error as HintedError;
};

describe('HttpClient', () => {
  it('parses JSON through a schema and reports status, latency and attempts', async () => {
    const schema = z.object({ name: z.string(), count: z.number() });
    const r = await http.getJson(`${server.url}/ok`, { schema });
    expect(r.body).toEqual({ name: 'x', count: 2 });
    expect(r).toMatchObject({ status: 200, attempts: 1, url: `${server.url}/ok` });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('returns text', async () => {
    expect((await http.getText(`${server.url}/text`)).body).toBe('OK');
  });

  it('posts JSON with the given headers', async () => {
    const r = await http.postJson<{ method: string; body: string; auth: string }>(
      `${server.url}/echo`,
      { max_results: 1 },
      { headers: { authorization: 'Bearer t0ken-abc' } },
    );
    expect(r.body).toEqual({ method: 'POST', body: '{"max_results":1}', auth: 'Bearer t0ken-abc' });
    expect(server.requests.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('names the field a schema mismatch is about', async () => {
    const schema = z.object({ name: z.number() });
    const error = await failure(http.getJson(`${server.url}/ok`, { schema, expected: 'a thing' }));
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/ok: expected a thing, saw a body that does not match: name: /,
    );
    expect(error.hint).toContain('another API version');
  });

  it('rejects a non-JSON body with what it saw', async () => {
    const error = await failure(http.getJson(`${server.url}/malformed`));
    expect(error.message).toContain('as JSON, saw text/html "login"');
    expect(error.hint).toContain('login page');
  });

  it("401 carries the server's own error and a credentials hint", async () => {
    const error = await failure(http.getJson(`${server.url}/401`, { hints: { credentials: 'set MY_TOKEN' } }));
    expect(error.message).toMatch(/expected HTTP 2xx, saw HTTP 401: UNAUTHENTICATED: bad token$/);
    expect(error.hint).toContain('set MY_TOKEN');
  });

  it('403, 404 and 500 each get their hint; HTML is reduced to text', async () => {
    expect((await failure(http.getText(`${server.url}/403`))).hint).toContain('credentials rejected');
    const notFound = await failure(http.getText(`${server.url}/404`));
    expect(notFound.message).toContain('saw HTTP 404: "Not Found"');
    expect(notFound.hint).toContain('wrong path or prefix');
    const internal = await failure(http.getText(`${server.url}/500`));
    expect(internal.message).toContain('saw HTTP 500: boom');
    expect(internal.hint).toContain('see its log');
  });

  it('does not follow a redirect; the hint names where it leads, masked', async () => {
    const error = await failure(http.getText(`${server.url}/redirect`));
    expect(error.message).toContain('saw HTTP 302');
    expect(error.hint).toContain('/dex/auth');
    expect(error.hint).not.toContain('xyz');
  });

  it('retries a GET once on 503 and succeeds', async () => {
    const r = await http.getJson(`${server.url}/flaky`);
    expect(r.attempts).toBe(2);
    expect(hits['/flaky']).toBe(2);
  });

  it('gives up after the bounded attempts', async () => {
    const error = await failure(http.getText(`${server.url}/always-503`));
    expect(error.message).toContain('saw HTTP 503');
    expect(hits['/always-503']).toBe(2);
  });

  it('never repeats a POST', async () => {
    await failure(http.postJson(`${server.url}/always-503`, {}));
    expect(hits['/always-503']).toBe(1);
  });

  it('retries a GET whose connection was reset', async () => {
    const r = await http.getJson(`${server.url}/reset-once`);
    expect(r.attempts).toBe(2);
  });

  it('fails a refused connection at once, without retrying', async () => {
    const port = await closedPort();
    // A retry would wait the 3 s pause first: finishing well inside it proves there was none.
    const patient = new HttpClient({ timeoutMs: 5000, retryPauseMs: 3000 });
    const started = performance.now();
    const error = await failure(patient.getText(`http://127.0.0.1:${port}/health`)).finally(() => patient.close());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.message).toBe(
      `GET http://127.0.0.1:${port}/health: expected HTTP 2xx, saw connection refused (ECONNREFUSED)`,
    );
    expect(error.hint).toContain(`nothing listens on 127.0.0.1:${port}`);
  });

  it('times out a server that never answers, within the deadline', async () => {
    const silent = await startSilentServer();
    try {
      const started = performance.now();
      const error = await failure(http.getText(`${silent.url}/health`, { timeoutMs: 300 }));
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1500);
      expect(error.message).toContain('no answer within 300 ms');
      expect(error.hint).toContain(`127.0.0.1:${silent.port}`);
    } finally {
      await silent.close();
    }
  });

  it('recognises plain HTTP sent to a TLS port', async () => {
    // What a TLS-only server sends back to a plain-HTTP request.
    const tlsOnly = await startSilentServer((socket) => {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 48\r\nconnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n',
      );
    });
    try {
      const error = await failure(http.getText(`${tlsOnly.url}/`));
      expect(error.hint).toContain('use https://');
    } finally {
      await tlsOnly.close();
    }
  });

  it('never shows userinfo passwords or registered secrets in errors', async () => {
    registerSecret('t0ken-secret-value');
    const port = await closedPort();
    const error = await failure(
      http.getText(`http://admin:pa55word@127.0.0.1:${port}/x?token=t0ken-secret-value`, {
        headers: { authorization: 'Bearer t0ken-secret-value' },
      }),
    );
    expect(error.message).not.toContain('pa55word');
    expect(error.message).not.toContain('t0ken-secret-value');
    expect(`${error.hint}`).not.toContain('pa55word');
  });
});

describe('describeError', () => {
  it('prefers the usual JSON error fields', () => {
    expect(describeError({ text: '{"error_code":"X","message":"y"}' })).toBe(': X: y');
    expect(describeError({ text: '{"code":5,"message":"not found","details":[]}' })).toBe(': not found');
  });

  it('falls back to an excerpt, and to nothing for an empty body', () => {
    expect(describeError({ text: 'plain words' })).toBe(': "plain words"');
    expect(describeError({ text: '  ' })).toBe('');
    expect(describeError({ text: 'x'.repeat(500) }).length).toBeLessThan(220);
  });
});
