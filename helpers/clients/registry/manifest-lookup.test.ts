import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageName } from './image-name.js';
import { lookupManifest } from './manifest-lookup.js';

/**
 * A registry answering like ghcr.io does (recorded behaviour): 401 with a bearer challenge, a token
 * endpoint, then the manifest for a known tag, 404 for an unknown one, 403 for a private repository.
 */
describe('lookupManifest against a registry speaking the v2 API', () => {
  let server: Server;
  let host: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      const url = new URL(req.url ?? '/', `http://${host}`);
      if (url.pathname === '/token') {
        const scope = url.searchParams.get('scope') ?? '';
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: scope.includes('private') ? 'no-access' : 'anon-token' }));
        return;
      }
      if (url.pathname === '/v2/slow/app/manifests/1') return; // never answers
      const repository = url.pathname.replace(/^\/v2\//, '').replace(/\/manifests\/.*$/, '');
      if (req.headers.authorization === undefined) {
        res.statusCode = 401;
        res.setHeader(
          'www-authenticate',
          `Bearer realm="http://${host}/token",service="${host}",scope="repository:${repository}:pull"`,
        );
        res.end();
        return;
      }
      if (repository.includes('private')) {
        res.statusCode = 403;
        res.end();
        return;
      }
      if (url.pathname === '/v2/kfp-e2e/poblesec-components/manifests/1.0.0') {
        res.setHeader('docker-content-digest', `sha256:${'b'.repeat(64)}`);
        res.end();
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const lookup = (image: string, timeoutMs = 2000) => {
    const name = parseImageName(`${host}/${image}`);
    if (!name) throw new Error(`bad test image ${image}`);
    return lookupManifest(name, { timeoutMs, scheme: 'http' });
  };

  it('finds a public image after the anonymous token exchange', async () => {
    const found = await lookup('kfp-e2e/poblesec-components:1.0.0');
    expect(found).toEqual({
      status: 'present',
      image: `${host}/kfp-e2e/poblesec-components:1.0.0`,
      digest: `sha256:${'b'.repeat(64)}`,
    });
    expect(seen).toContain(`HEAD /v2/kfp-e2e/poblesec-components/manifests/1.0.0 Bearer anon-token`);
  });

  it('says absent for an unknown tag, denied for a private repository', async () => {
    expect(await lookup('kfp-e2e/poblesec-components:9.9.9')).toMatchObject({ status: 'absent', httpStatus: 404 });
    expect(await lookup('team/private-app:1')).toMatchObject({ status: 'denied', httpStatus: 403 });
  });

  it('says unknown, within its deadline, when the registry does not answer or is not there', async () => {
    const started = performance.now();
    const slow = await lookup('slow/app:1', 300);
    expect(slow.status).toBe('unknown');
    expect(performance.now() - started).toBeLessThan(2000);
    const nowhere = await lookupManifest(
      parseImageName('127.0.0.1:1/app:1') as NonNullable<ReturnType<typeof parseImageName>>,
      {
        timeoutMs: 1000,
        scheme: 'http',
      },
    );
    expect(nowhere).toMatchObject({ status: 'unknown' });
    expect(nowhere.status === 'unknown' && nowhere.detail).toContain('ECONNREFUSED');
  });
});
