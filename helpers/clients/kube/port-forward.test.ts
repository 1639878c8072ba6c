import { afterEach, describe, expect, it } from 'vitest';
import { json, startHttpServer, type TestServer } from '../test-server.js';
import { createFakeKubectl, type FakeKubectl, type FakeService } from './fake-kubectl/fake-kubectl.js';
import { httpGet, processExists, tcpConnect } from './fake-kubectl/net-probes.js';
import { PortForward, PortForwardError } from './port-forward.js';

const fakes: FakeKubectl[] = [];
const servers: TestServer[] = [];
const forwards: PortForward[] = [];
afterEach(async () => {
  await Promise.all(forwards.splice(0).map((f) => f.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const fake of fakes.splice(0)) fake.cleanup();
});

async function mlflowServer(): Promise<TestServer> {
  const server = await startHttpServer((req, res) => json(res, 200, { path: req.url, from: 'mlflow' }));
  servers.push(server);
  return server;
}

function fakeWith(mlflow: FakeService): FakeKubectl {
  const fake = createFakeKubectl({ services: { 'kubeflow/mlflow': mlflow } });
  fakes.push(fake);
  return fake;
}

async function open(fake: FakeKubectl, extra: { context?: string; readyTimeoutMs?: number; port?: number } = {}) {
  const pids: number[] = [];
  const forward = await PortForward.open({
    command: [fake.executable, ...(extra.context ? ['--context', extra.context] : [])],
    service: 'mlflow',
    namespace: 'kubeflow',
    port: extra.port ?? 5000,
    readyTimeoutMs: extra.readyTimeoutMs ?? 5000,
    onSpawn: (pid) => pids.push(pid),
  });
  forwards.push(forward);
  return { forward, pids };
}

describe('PortForward', () => {
  it('opens kubectl port-forward on an ephemeral 127.0.0.1 port and carries HTTP through it', async () => {
    const server = await mlflowServer();
    const fake = fakeWith({ ports: [{ port: 5000, targetPort: 5001 }], forward: { to: server.port } });
    const { forward, pids } = await open(fake, { context: 'minikube' });

    expect(fake.invocations()).toEqual([
      ['--context', 'minikube', 'port-forward', '--address', '127.0.0.1', 'service/mlflow', ':5000', '-n', 'kubeflow'],
    ]);
    expect(pids).toEqual([forward.pid]);
    expect(forward.localPort).toBeGreaterThan(0);
    expect(forward.localPort).not.toBe(server.port);
    expect(forward.podPort).toBe(5001);
    expect(forward.running).toBe(true);

    const answer = await httpGet(`http://127.0.0.1:${forward.localPort}/health`);
    expect(answer).toEqual({ status: 200, body: JSON.stringify({ path: '/health', from: 'mlflow' }) });
    expect(server.requests.map((r) => r.url)).toEqual(['/health']);
  });

  it('close() stops kubectl: the process is gone and the port refuses connections; a second close is a no-op', async () => {
    const server = await mlflowServer();
    const fake = fakeWith({ ports: [{ port: 5000 }], forward: { to: server.port } });
    const { forward } = await open(fake);
    expect(await tcpConnect(forward.localPort)).toBe('connected');
    const downs: string[] = [];
    forward.onDown((reason) => downs.push(reason));

    await forward.close();
    expect(processExists(forward.pid)).toBe(false);
    expect(forward.running).toBe(false);
    expect(await tcpConnect(forward.localPort)).toBe('ECONNREFUSED');
    await forward.close();
    // Stopping it ourselves is not "down".
    expect(downs).toEqual([]);
    expect(forward.downReason).toBeUndefined();
  });

  it('reports kubectl exiting on its own, with its last stderr lines', async () => {
    const server = await mlflowServer();
    const fake = fakeWith({ ports: [{ port: 5000 }], forward: { to: server.port, die: 'on-connection' } });
    const { forward } = await open(fake);
    const down = new Promise<string>((resolve) => forward.onDown(resolve));

    await expect(httpGet(`http://127.0.0.1:${forward.localPort}/`)).rejects.toThrow();
    const reason = await down;
    expect(reason).toMatch(
      /^port-forward to service\/mlflow \(namespace kubeflow\) is down: kubectl exited with code 1: /,
    );
    expect(reason).toContain('error: lost connection to pod');
    expect(forward.downReason).toBe(reason);
    expect(forward.running).toBe(false);
    // A listener added afterwards hears it at once.
    const late: string[] = [];
    forward.onDown((r) => late.push(r));
    expect(late).toEqual([reason]);
    await forward.close();
  });

  it('kubectl failing before it forwards: PortForwardError with kubectl’s words', async () => {
    const fake = fakeWith({
      ports: [{ port: 5000 }],
      forward: { fail: 'error: unable to forward port because pod is not running. Current status=Pending' },
    });
    const error = (await open(fake).catch((e: unknown) => e)) as PortForwardError;
    expect(error).toBeInstanceOf(PortForwardError);
    expect(error.message).toBe(
      'port-forward to service/mlflow (namespace kubeflow): kubectl exited with code 1 before forwarding: error: unable to forward port because pod is not running. Current status=Pending',
    );
    expect(error.output).toContain('pod is not running');
    expect(error.hint).toMatch(/pod/);
  });

  it('a port the service does not have is kubectl’s error, not a hang', async () => {
    const fake = fakeWith({ ports: [{ port: 5000 }], forward: { to: 1 } });
    await expect(open(fake, { port: 8080 })).rejects.toThrow(/does not have a service port 8080/);
  });

  it('no Forwarding line within the deadline: rejected, and kubectl is stopped', async () => {
    const fake = fakeWith({ ports: [{ port: 5000 }], forward: { hang: true } });
    let pid = 0;
    const started = Date.now();
    const error = await PortForward.open({
      command: [fake.executable],
      service: 'mlflow',
      namespace: 'kubeflow',
      port: 5000,
      readyTimeoutMs: 700,
      onSpawn: (p) => {
        pid = p;
      },
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(PortForwardError);
    expect((error as Error).message).toBe(
      'port-forward to service/mlflow (namespace kubeflow): kubectl printed no "Forwarding from" line within 700 ms',
    );
    expect(pid).toBeGreaterThan(0);
    expect(processExists(pid)).toBe(false);
  });

  it('a missing kubectl: PortForwardError naming it', async () => {
    const error = await PortForward.open({
      command: ['/nonexistent/kubectl'],
      service: 'mlflow',
      namespace: 'kubeflow',
      port: 5000,
      readyTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortForwardError);
    expect((error as Error).message).toBe(
      'port-forward to service/mlflow (namespace kubeflow): /nonexistent/kubectl: not found on PATH',
    );
  });
});
