import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../../checks/check.js';
import { createFakeKubectl, type FakeKubectl, type FakeKubectlScenario } from './fake-kubectl/fake-kubectl.js';
import {
  currentContext,
  namespaceExists,
  parseServerVersion,
  probeKubeContext,
  serverVersion,
} from './kube-context.js';
import { createKubectl, type Kubectl, KubectlError } from './kubectl.js';

const fakes: FakeKubectl[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.cleanup();
});

function setup(scenario: FakeKubectlScenario, context?: string): { fake: FakeKubectl; kubectl: Kubectl } {
  const fake = createFakeKubectl(scenario);
  fakes.push(fake);
  return { fake, kubectl: createKubectl({ executable: fake.executable, context, timeoutMs: 5000 }) };
}

/** Drops the global flags kubectl.ts adds, leaving what this module asked for. */
const commands = (fake: FakeKubectl) =>
  fake.invocations().map((argv) => argv.filter((a) => !a.startsWith('--request-timeout')));

describe('parseServerVersion', () => {
  it('reads serverVersion.gitVersion', () => {
    const stdout = JSON.stringify({
      clientVersion: { major: '1', minor: '31', gitVersion: 'v1.31.2' },
      kustomizeVersion: 'v5.4.2',
      serverVersion: { major: '1', minor: '30', gitVersion: 'v1.30.0+k3s1', platform: 'linux/amd64' },
    });
    expect(parseServerVersion(stdout)).toBe('v1.30.0+k3s1');
  });

  it('rejects output without serverVersion, non-JSON and a wrong shape with a precise message', () => {
    expect(() => parseServerVersion(JSON.stringify({ clientVersion: { gitVersion: 'v1.31.2' } }))).toThrow(
      /no serverVersion/,
    );
    expect(() => parseServerVersion('Client Version: v1.31.2')).toThrow(HintedError);
    expect(() => parseServerVersion('Client Version: v1.31.2')).toThrow(/expected JSON, got "Client Version: v1.31.2"/);
    expect(() => parseServerVersion(JSON.stringify({ serverVersion: { gitVersion: 130 } }))).toThrow(
      /serverVersion\.gitVersion/,
    );
  });
});

describe('currentContext / serverVersion / namespaceExists against the fake', () => {
  it('reads the current context and the server version with the exact commands', async () => {
    const { fake, kubectl } = setup({ currentContext: 'minikube', serverVersion: 'v1.30.0' });
    expect(await currentContext(kubectl)).toBe('minikube');
    expect(await serverVersion(kubectl)).toBe('v1.30.0');
    expect(commands(fake)).toEqual([
      ['config', 'current-context'],
      ['version', '-o', 'json'],
    ]);
  });

  it('no current context is a KubectlError carrying kubectl’s message', async () => {
    const { kubectl } = setup({});
    const error = (await currentContext(kubectl).catch((e: unknown) => e)) as KubectlError;
    expect(error).toBeInstanceOf(KubectlError);
    expect(error.detail).toBe('error: current-context is not set');
  });

  it('namespaceExists: true when found, false on NotFound, throws on anything else', async () => {
    const { fake, kubectl } = setup({ namespaces: ['kubeflow'] });
    expect(await namespaceExists(kubectl, 'kubeflow')).toBe(true);
    expect(await namespaceExists(kubectl, 'kubeflow-user')).toBe(false);
    expect(commands(fake)).toEqual([
      ['get', 'namespace', 'kubeflow', '-o', 'json'],
      ['get', 'namespace', 'kubeflow-user', '-o', 'json'],
    ]);
    fake.setScenario({ namespaceError: 'Error from server (Forbidden): namespaces "kubeflow" is forbidden' });
    const error = await namespaceExists(kubectl, 'kubeflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlError);
    expect((error as KubectlError).detail).toMatch(/Forbidden/);
  });
});

describe('probeKubeContext', () => {
  it('reachable: the current context and the server version', async () => {
    const { kubectl } = setup({ currentContext: 'minikube', serverVersion: 'v1.30.0' });
    expect(await probeKubeContext(kubectl, { timeoutMs: 4000 })).toEqual({
      status: 'reachable',
      context: 'minikube',
      serverVersion: 'v1.30.0',
    });
  });

  it('a given context is used as is: no current-context call, --context on the version call', async () => {
    const { fake, kubectl } = setup({ serverVersion: 'v1.29.4', contexts: ['kind-e2e'] }, 'kind-e2e');
    expect(await probeKubeContext(kubectl, { context: 'kind-e2e', timeoutMs: 4000 })).toMatchObject({
      status: 'reachable',
      context: 'kind-e2e',
    });
    expect(commands(fake)).toEqual([['--context', 'kind-e2e', 'version', '-o', 'json']]);
  });

  it('no current context: unreachable, naming it', async () => {
    const { kubectl } = setup({ serverVersion: 'v1.30.0' });
    expect(await probeKubeContext(kubectl, { timeoutMs: 4000 })).toEqual({
      status: 'unreachable',
      reason: 'no current kube context: error: current-context is not set',
    });
  });

  it('API server refusing: unreachable with kubectl’s message', async () => {
    const { kubectl } = setup({ currentContext: 'minikube' });
    const result = await probeKubeContext(kubectl, { timeoutMs: 4000 });
    expect(result).toEqual({
      status: 'unreachable',
      reason:
        'API server of context minikube did not answer: The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
    });
  });

  it('kubectl not found: unreachable, naming the executable', async () => {
    const kubectl = createKubectl({ executable: 'kubectl-not-installed-here', timeoutMs: 5000 });
    expect(await probeKubeContext(kubectl, { timeoutMs: 4000 })).toEqual({
      status: 'unreachable',
      reason: 'kubectl not found: no kubectl-not-installed-here on PATH',
    });
  });

  it('a hanging API server: unreachable within the one budget shared by both calls', async () => {
    const { fake, kubectl } = setup({ currentContext: 'minikube', hang: ['version'] });
    const started = Date.now();
    const result = await probeKubeContext(kubectl, { timeoutMs: 1500 });
    const elapsed = Date.now() - started;
    expect(result).toEqual({
      status: 'unreachable',
      reason: 'API server of context minikube did not answer within 1.5 s',
    });
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(2500);
    expect(commands(fake)).toEqual([
      ['config', 'current-context'],
      ['version', '-o', 'json'],
    ]);
  });

  it('a hanging current-context: unreachable within the budget', async () => {
    const { kubectl } = setup({ hang: ['config current-context'] });
    const started = Date.now();
    expect(await probeKubeContext(kubectl, { timeoutMs: 1000 })).toEqual({
      status: 'unreachable',
      reason: 'kubectl config current-context did not answer within 1 s',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
