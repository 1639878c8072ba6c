import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { maskText } from '../config/mask.js';
import { deadline } from '../util/timeout.js';
import type { Availability } from './provider.js';

/** One place a Docker-API compatible engine may listen. */
export interface RuntimeEndpoint {
  /** As DOCKER_HOST spells it: unix:///var/run/docker.sock, tcp://host:2376, npipe:////./pipe/docker_engine. */
  dockerHost: string;
  kind: 'docker' | 'podman';
  /** Where it came from: DOCKER_HOST, or one of the usual socket paths. */
  source: 'DOCKER_HOST' | 'default';
  socketPath?: string;
  host?: string;
  port?: number;
  /** tcp with DOCKER_TLS_VERIFY=1: client certificates from DOCKER_CERT_PATH. */
  tlsCertPath?: string;
}

export type ProbeOutcome = 'answered' | 'absent' | 'refused' | 'denied' | 'timeout' | 'unexpected' | 'error';

export interface ProbeResult {
  endpoint: RuntimeEndpoint;
  outcome: ProbeOutcome;
  /** What was seen, in words: "answered OK", "no such socket", "no answer within 500 ms". */
  observed: string;
  latencyMs: number;
}

export interface ContainerRuntimeStatus extends Availability {
  /** The endpoint that answered, when one did. */
  endpoint?: RuntimeEndpoint;
  probes: ProbeResult[];
}

export interface DetectOptions {
  /** Deadline of each ping; probes run in parallel, so this bounds the whole detection. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Overrides the usual candidates (tests). */
  candidates?: RuntimeEndpoint[];
}

export const NO_RUNTIME_HINT = 'install Docker or Podman (and start it), or use STACK=native after `npm run setup`';

/**
 * The endpoints to try, in the order a Docker client would: DOCKER_HOST alone when it is set
 * (clients do not fall back from an explicit host), otherwise the usual rootful, rootless,
 * Docker Desktop and Podman sockets.
 */
export function runtimeCandidates(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  uid: number = safeUid(),
  platform: NodeJS.Platform = process.platform,
): RuntimeEndpoint[] {
  const fromEnv = env.DOCKER_HOST?.trim();
  if (fromEnv) return [parseDockerHost(fromEnv, env, home)];
  if (platform === 'win32') {
    return [
      socketEndpoint('//./pipe/docker_engine', 'docker', 'npipe://'),
      socketEndpoint('//./pipe/podman-machine-default', 'podman', 'npipe://'),
    ];
  }
  const xdg = env.XDG_RUNTIME_DIR;
  const docker = [
    '/var/run/docker.sock',
    xdg ? join(xdg, 'docker.sock') : undefined,
    `/run/user/${uid}/docker.sock`,
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
  ];
  const podman = [
    xdg ? join(xdg, 'podman', 'podman.sock') : undefined,
    `/run/user/${uid}/podman/podman.sock`,
    '/run/podman/podman.sock',
  ];
  const seen = new Set<string>();
  const out: RuntimeEndpoint[] = [];
  for (const [kind, paths] of [['docker', docker] as const, ['podman', podman] as const]) {
    for (const path of paths) {
      if (path === undefined || seen.has(path)) continue;
      seen.add(path);
      out.push(socketEndpoint(path, kind, 'unix://'));
    }
  }
  return out;
}

function safeUid(): number {
  try {
    return userInfo().uid;
  } catch {
    return -1;
  }
}

function socketEndpoint(path: string, kind: RuntimeEndpoint['kind'], scheme: 'unix://' | 'npipe://'): RuntimeEndpoint {
  return { dockerHost: `${scheme}${path}`, kind, source: 'default', socketPath: path };
}

/** DOCKER_HOST as the Docker CLI reads it; an unsupported scheme becomes an endpoint that fails its probe. */
export function parseDockerHost(
  value: string,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): RuntimeEndpoint {
  const kind = value.includes('podman') ? 'podman' : 'docker';
  const base = { dockerHost: value, kind, source: 'DOCKER_HOST' } as const;
  if (value.startsWith('unix://')) return { ...base, socketPath: value.slice('unix://'.length) };
  if (value.startsWith('npipe://')) return { ...base, socketPath: value.slice('npipe://'.length) };
  if (value.startsWith('tcp://')) {
    const url = new URL(`http://${value.slice('tcp://'.length)}`);
    const tls = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
    return {
      ...base,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : tls ? 2376 : 2375,
      ...(tls ? { tlsCertPath: env.DOCKER_CERT_PATH || join(home, '.docker') } : {}),
    };
  }
  return base;
}

function describeEndpoint(endpoint: RuntimeEndpoint): string {
  return endpoint.source === 'DOCKER_HOST' ? `DOCKER_HOST=${endpoint.dockerHost}` : endpoint.dockerHost;
}

/** GET /_ping: every Docker-API engine (Docker, Podman's service) answers 200 "OK" without credentials. */
export function pingRuntime(endpoint: RuntimeEndpoint, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const result = (outcome: ProbeOutcome, observed: string): ProbeResult => ({
    endpoint,
    outcome,
    observed: maskText(observed),
    latencyMs: Math.round(performance.now() - started),
  });
  if (endpoint.socketPath === undefined && endpoint.host === undefined) {
    return Promise.resolve(result('error', 'unsupported scheme (expected unix://, tcp:// or npipe://)'));
  }
  let tls: https.RequestOptions = {};
  if (endpoint.tlsCertPath) {
    try {
      const read = (name: string) => readFileSync(join(endpoint.tlsCertPath as string, name));
      tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
    } catch (error) {
      return Promise.resolve(
        result('error', `cannot read TLS files in ${endpoint.tlsCertPath}: ${(error as Error).message}`),
      );
    }
  }
  return new Promise((resolve) => {
    const options: https.RequestOptions = {
      method: 'GET',
      path: '/_ping',
      agent: false,
      signal: deadline(timeoutMs),
      ...(endpoint.socketPath !== undefined
        ? { socketPath: endpoint.socketPath, host: 'localhost' }
        : { host: endpoint.host, port: endpoint.port }),
      ...tls,
    };
    const request = (endpoint.tlsCertPath ? https : http).request(options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 200) body += chunk;
      });
      response.on('end', () => {
        const text = body.trim().slice(0, 80);
        resolve(
          response.statusCode === 200
            ? result('answered', `answered ${text || 'HTTP 200'}`)
            : result('unexpected', `answered HTTP ${response.statusCode} ${text}`.trim()),
        );
      });
      response.on('error', (error) => resolve(result('error', error.message)));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') resolve(result('timeout', `no answer within ${timeoutMs} ms`));
      else if (error.code === 'ENOENT') resolve(result('absent', 'no such socket'));
      else if (error.code === 'ECONNREFUSED') resolve(result('refused', 'nothing listening (connection refused)'));
      else if (error.code === 'EACCES' || error.code === 'EPERM') resolve(result('denied', 'permission denied'));
      else resolve(result('error', error.message));
    });
    request.end();
  });
}

/**
 * Is there a container runtime to start the stack in? Pings every candidate in parallel, so the
 * answer comes within one timeout; sockets that do not exist fail at once.
 */
export async function detectContainerRuntime(options: DetectOptions = {}): Promise<ContainerRuntimeStatus> {
  const timeoutMs = options.timeoutMs ?? 500;
  const candidates = options.candidates ?? runtimeCandidates(options.env ?? process.env);
  const probes = await Promise.all(candidates.map((endpoint) => pingRuntime(endpoint, timeoutMs)));
  const answered = probes.find((probe) => probe.outcome === 'answered');
  if (answered) {
    return {
      available: true,
      detail: `${answered.endpoint.kind} at ${describeEndpoint(answered.endpoint)} ${answered.observed} in ${answered.latencyMs} ms`,
      endpoint: answered.endpoint,
      probes,
    };
  }
  return { available: false, detail: describeFailure(probes), probes };
}

function describeFailure(probes: ProbeResult[]): string {
  const tried = probes.map((probe) => `${describeEndpoint(probe.endpoint)}: ${probe.observed}`).join('; ');
  const advice: string[] = [];
  if (probes.some((probe) => probe.outcome === 'denied')) {
    advice.push(
      'a socket exists but this user may not use it (add the user to the `docker` group, or use rootless Docker/Podman)',
    );
  }
  if (probes.some((probe) => probe.outcome === 'refused' || probe.outcome === 'timeout')) {
    advice.push(
      'a socket exists but the engine does not answer (start it: `systemctl start docker`, `podman system service`, or Docker Desktop)',
    );
  }
  if (probes[0]?.endpoint.source === 'DOCKER_HOST')
    advice.push('DOCKER_HOST is set, so only it was tried; unset it to try the usual sockets');
  advice.push(NO_RUNTIME_HINT);
  return `no container runtime answered GET /_ping (tried ${tried || 'nothing'}); ${advice.join('; ')}`;
}
