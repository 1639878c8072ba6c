import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  detectContainerRuntime,
  NO_RUNTIME_HINT,
  parseDockerHost,
  pingRuntime,
  type RuntimeEndpoint,
  runtimeCandidates,
} from './container-runtime.js';

let dir: string;
const servers: Server[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runtime-test-'));
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A real HTTP server on a unix socket (or loopback port); `answer` false = accepts and never replies. */
async function fakeEngine(
  where: string | 0,
  answer: boolean | number = true,
): Promise<{ requests: string[]; port: number }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (answer === false) return;
    const status = answer === true ? 200 : answer;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'OK' : 'nope');
  });
  servers.push(server);
  await new Promise<void>((resolve) =>
    where === 0 ? server.listen(0, '127.0.0.1', resolve) : server.listen(where, resolve),
  );
  return { requests, port: (server.address() as AddressInfo | null)?.port ?? 0 };
}

const unix = (path: string, kind: RuntimeEndpoint['kind'] = 'docker'): RuntimeEndpoint => ({
  dockerHost: `unix://${path}`,
  kind,
  source: 'default',
  socketPath: path,
});

describe('runtimeCandidates', () => {
  it('uses DOCKER_HOST alone when it is set, as Docker clients do', () => {
    expect(runtimeCandidates({ DOCKER_HOST: 'unix:///tmp/x.sock' }, '/home/u', 1000, 'linux')).toEqual([
      { dockerHost: 'unix:///tmp/x.sock', kind: 'docker', source: 'DOCKER_HOST', socketPath: '/tmp/x.sock' },
    ]);
  });

  it('lists the rootful, rootless, Docker Desktop and Podman sockets without duplicates', () => {
    const paths = runtimeCandidates({ XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/u', 1000, 'linux').map(
      (c) => `${c.kind} ${c.socketPath}`,
    );
    expect(paths).toEqual([
      'docker /var/run/docker.sock',
      'docker /run/user/1000/docker.sock',
      'docker /home/u/.docker/run/docker.sock',
      'docker /home/u/.docker/desktop/docker.sock',
      'podman /run/user/1000/podman/podman.sock',
      'podman /run/podman/podman.sock',
    ]);
  });
});

describe('parseDockerHost', () => {
  it('reads tcp:// with the default ports, and TLS settings when DOCKER_TLS_VERIFY is set', () => {
    expect(parseDockerHost('tcp://docker:2375', {})).toMatchObject({ host: 'docker', port: 2375 });
    expect(parseDockerHost('tcp://10.0.0.5', {})).toMatchObject({ host: '10.0.0.5', port: 2375 });
    expect(parseDockerHost('tcp://docker', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' })).toMatchObject({
      host: 'docker',
      port: 2376,
      tlsCertPath: '/certs',
    });
  });

  it('recognises a Podman socket by its path', () => {
    expect(parseDockerHost('unix:///run/user/1000/podman/podman.sock', {})).toMatchObject({
      kind: 'podman',
      socketPath: '/run/user/1000/podman/podman.sock',
    });
  });
});

describe('pingRuntime', () => {
  it('pings GET /_ping over a unix socket and reports the answer', async () => {
    const socket = join(dir, 'docker.sock');
    const engine = await fakeEngine(socket);
    const probe = await pingRuntime(unix(socket), 1000);
    expect(probe.outcome).toBe('answered');
    expect(probe.observed).toBe('answered OK');
    expect(engine.requests).toEqual(['GET /_ping']);
  });

  it('gives up after the timeout when the socket accepts but never answers', async () => {
    const socket = join(dir, 'docker.sock');
    const engine = await fakeEngine(socket, false);
    const started = performance.now();
    const probe = await pingRuntime(unix(socket), 150);
    const elapsed = performance.now() - started;
    expect(probe.outcome).toBe('timeout');
    expect(probe.observed).toBe('no answer within 150 ms');
    expect(engine.requests).toEqual(['GET /_ping']);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
  });

  it('tells a missing socket from a socket file nobody listens on', async () => {
    expect((await pingRuntime(unix(join(dir, 'none.sock')), 500)).outcome).toBe('absent');
    const stale = join(dir, 'stale.sock');
    writeFileSync(stale, '');
    expect((await pingRuntime(unix(stale), 500)).outcome).toBe('refused');
  });

  it('does not count an engine that answers with an error status', async () => {
    const socket = join(dir, 'docker.sock');
    await fakeEngine(socket, 500);
    const probe = await pingRuntime(unix(socket), 1000);
    expect(probe.outcome).toBe('unexpected');
    expect(probe.observed).toBe('answered HTTP 500 nope');
  });

  it('pings a tcp:// DOCKER_HOST', async () => {
    const engine = await fakeEngine(0);
    const probe = await pingRuntime(parseDockerHost(`tcp://127.0.0.1:${engine.port}`, {}), 1000);
    expect(probe.outcome).toBe('answered');
    expect(engine.requests).toEqual(['GET /_ping']);
  });

  it('reports an unsupported scheme without trying to connect', async () => {
    const probe = await pingRuntime(parseDockerHost('ssh://me@box', {}), 1000);
    expect(probe.outcome).toBe('error');
    expect(probe.observed).toContain('unsupported scheme');
  });
});

describe('detectContainerRuntime', () => {
  it('picks the first candidate that answers and says where it is', async () => {
    const podman = join(dir, 'podman.sock');
    await fakeEngine(podman);
    const status = await detectContainerRuntime({
      timeoutMs: 500,
      candidates: [unix(join(dir, 'docker.sock')), unix(podman, 'podman')],
    });
    expect(status.available).toBe(true);
    expect(status.endpoint?.kind).toBe('podman');
    expect(status.detail).toMatch(new RegExp(`^podman at unix://${podman} answered OK in \\d+ ms$`));
  });

  it('honours DOCKER_HOST from the environment', async () => {
    const socket = join(dir, 'custom.sock');
    await fakeEngine(socket);
    const status = await detectContainerRuntime({ env: { DOCKER_HOST: `unix://${socket}` } });
    expect(status.available).toBe(true);
    expect(status.detail).toContain(`DOCKER_HOST=unix://${socket}`);
  });

  it('answers fast when nothing is there, listing what it tried and how to get a runtime', async () => {
    const started = performance.now();
    const status = await detectContainerRuntime({
      timeoutMs: 500,
      candidates: [unix(join(dir, 'docker.sock')), unix(join(dir, 'podman', 'podman.sock'), 'podman')],
    });
    expect(performance.now() - started).toBeLessThan(200);
    expect(status.available).toBe(false);
    expect(status.endpoint).toBeUndefined();
    expect(status.detail).toContain(`unix://${dir}/docker.sock: no such socket`);
    expect(status.detail).toContain(`unix://${dir}/podman/podman.sock: no such socket`);
    expect(status.detail).toContain(NO_RUNTIME_HINT);
  });

  it('bounds the whole detection by one timeout when a socket hangs', async () => {
    const hanging = join(dir, 'docker.sock');
    await fakeEngine(hanging, false);
    const started = performance.now();
    const status = await detectContainerRuntime({
      timeoutMs: 200,
      candidates: [unix(hanging), unix(join(dir, 'absent.sock'))],
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(status.available).toBe(false);
    expect(status.detail).toContain('no answer within 200 ms');
    expect(status.detail).toContain('the engine does not answer');
  });

  it('points at DOCKER_HOST when an explicit host does not answer', async () => {
    const status = await detectContainerRuntime({ timeoutMs: 200, env: { DOCKER_HOST: `unix://${dir}/none.sock` } });
    expect(status.available).toBe(false);
    expect(status.detail).toContain('DOCKER_HOST is set, so only it was tried');
  });
});
