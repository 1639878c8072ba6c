import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../checks/check.js';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { classifyError, errorCode, networkFailure, statusHint } from './client-error.js';

const site = {
  action: 'GET http://127.0.0.1:9000/x',
  expected: 'HTTP 200',
  host: '127.0.0.1',
  port: 9000,
  timeoutMs: 1500,
};
const sys = (code: string, message = code) => Object.assign(new Error(message), { code });

afterEach(() => clearRegisteredSecrets());

describe('classifyError', () => {
  it.each([
    [sys('ECONNREFUSED'), 'refused'],
    [sys('ENOTFOUND'), 'dns'],
    [sys('EAI_AGAIN'), 'dns-temporary'],
    [sys('ETIMEDOUT'), 'timeout'],
    [sys('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [new Error('timeout expired'), 'timeout'],
    [new Error('Query read timeout'), 'timeout'],
    [sys('ECONNRESET'), 'reset'],
    [new Error('other side closed'), 'reset'],
    [sys('EHOSTUNREACH'), 'unreachable'],
    [sys('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls-protocol'],
    [sys('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls-untrusted'],
    [new Error('something odd'), 'other'],
  ])('%s → %s', (error, kind) => {
    expect(classifyError(error).kind).toBe(kind);
  });

  it('finds the code inside an AggregateError (IPv6 and IPv4 both refused)', () => {
    const error = new AggregateError([sys('ECONNREFUSED'), sys('ECONNREFUSED')], '');
    expect(classifyError(error).kind).toBe('refused');
  });

  it('follows the cause chain (fetch wraps the socket error)', () => {
    const error = new TypeError('fetch failed', { cause: sys('ENOTFOUND') });
    expect(errorCode(error)).toBe('ENOTFOUND');
    expect(classifyError(error).kind).toBe('dns');
  });

  it("ignores DOMException's numeric code", () => {
    expect(errorCode(new DOMException('x', 'TimeoutError'))).toBeUndefined();
  });

  it('reduces an OpenSSL dump to its reason', () => {
    const error = sys(
      'ERR_SSL_WRONG_VERSION_NUMBER',
      '80AC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../x.c:350:\n',
    );
    expect(classifyError(error).message).toBe('wrong version number');
  });
});

describe('networkFailure', () => {
  it('says what was attempted, expected and seen, and names host:port in the hint', () => {
    const error = networkFailure(sys('ECONNREFUSED'), site);
    expect(error).toBeInstanceOf(HintedError);
    expect(error.message).toBe('GET http://127.0.0.1:9000/x: expected HTTP 200, saw connection refused (ECONNREFUSED)');
    expect(error.hint).toContain('nothing listens on 127.0.0.1:9000');
  });

  it('states the deadline of a timeout', () => {
    const error = networkFailure(new DOMException('aborted', 'TimeoutError'), site);
    expect(error.message).toContain('no answer within 1500 ms');
    expect(error.hint).toContain('E2E_REQUEST_TIMEOUT_MS');
  });

  it('gives DNS advice for cluster-internal names', () => {
    expect(networkFailure(sys('ENOTFOUND'), { ...site, host: 'minio.kubeflow.svc.cluster.local' }).hint).toContain(
      'port-forward',
    );
  });

  it('masks registered secrets that appear in an underlying message', () => {
    registerSecret('s3cr3t-value');
    const error = networkFailure(new Error('bad login s3cr3t-value'), site);
    expect(error.message).not.toContain('s3cr3t-value');
  });

  it('leaves no hint for a cause it does not recognise', () => {
    expect(networkFailure(new Error('weird'), site).hint).toBeUndefined();
  });

  it('passes a HintedError through unchanged', () => {
    const original = new HintedError('m', 'h');
    expect(networkFailure(original, site)).toBe(original);
  });
});

describe('statusHint', () => {
  it('401 and 403 point at credentials, with the service-specific setting', () => {
    expect(statusHint(401, site, { credentials: 'set X_TOKEN' })).toContain('set X_TOKEN');
    expect(statusHint(403, site)).toContain('credentials rejected');
  });

  it('404 points at the path or prefix', () => {
    expect(statusHint(404, site)).toContain('wrong path or prefix');
    expect(statusHint(404, site, { notFound: 'set P' })).toContain('set P');
  });

  it('a redirect suggests an auth proxy and shows where it leads (masked)', () => {
    const hint = statusHint(302, site, { location: 'https://dex/auth?token=abc' });
    expect(hint).toContain('authentication proxy');
    expect(hint).not.toContain('abc');
  });

  it('recognises a plain-HTTP request to a TLS port', () => {
    expect(statusHint(400, site, { body: 'Client sent an HTTP request to an HTTPS server.' })).toContain('https://');
  });

  it('5xx points at the service log; custom readings win', () => {
    expect(statusHint(500, site)).toContain('see its log');
    expect(statusHint(503, site)).toContain('not ready');
    expect(statusHint(503, site, { custom: () => 'mine' })).toBe('mine');
  });
});
