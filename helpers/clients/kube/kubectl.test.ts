import { afterEach, describe, expect, it } from 'vitest';
import { createFakeKubectl, type FakeKubectl, type FakeKubectlScenario } from './fake-kubectl/fake-kubectl.js';
import { createKubectl, KubectlError } from './kubectl.js';

const fakes: FakeKubectl[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.cleanup();
});

function fake(scenario: FakeKubectlScenario): FakeKubectl {
  const f = createFakeKubectl(scenario);
  fakes.push(f);
  return f;
}

describe('createKubectl', () => {
  it('passes --context and a --request-timeout inside its own deadline before the arguments', async () => {
    const f = fake({ currentContext: 'minikube', contexts: ['kind-e2e'] });
    const kubectl = createKubectl({ executable: f.executable, context: 'kind-e2e', timeoutMs: 5000 });
    expect(await kubectl.run(['config', 'current-context'])).toBe('minikube\n');
    expect(f.invocations()).toEqual([['--context', 'kind-e2e', '--request-timeout=4s', 'config', 'current-context']]);
    expect(kubectl.command).toEqual([f.executable, '--context', 'kind-e2e']);
  });

  it('a missing executable is reason not-found with a hint', async () => {
    const kubectl = createKubectl({ executable: '/nonexistent/kubectl', timeoutMs: 1000 });
    const error = await kubectl.run(['version']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlError);
    expect(error).toMatchObject({ reason: 'not-found', message: 'kubectl not found at /nonexistent/kubectl' });
    expect((error as KubectlError).hint).toMatch(/KUBECTL/);
  });

  it('a kubectl that never answers is killed at the deadline: reason timeout', async () => {
    const f = fake({ hang: ['version'] });
    const kubectl = createKubectl({ executable: f.executable, timeoutMs: 800 });
    const started = Date.now();
    const error = (await kubectl.run(['version', '-o', 'json']).catch((e: unknown) => e)) as KubectlError;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/no answer within 800 ms/);
  });

  it('tells NotFound apart from other failures and keeps kubectl’s own words as the detail', async () => {
    const f = fake({ namespaces: [] });
    const kubectl = createKubectl({ executable: f.executable, timeoutMs: 5000 });
    const notFound = (await kubectl.run(['get', 'namespace', 'kubeflow']).catch((e: unknown) => e)) as KubectlError;
    expect(notFound.reason).toBe('exit');
    expect(notFound.notFound).toBe(true);
    expect(notFound.detail).toBe('Error from server (NotFound): namespaces "kubeflow" not found');

    f.setScenario({ namespaceError: 'Error from server (Forbidden): namespaces "kubeflow" is forbidden' });
    const forbidden = (await kubectl.run(['get', 'namespace', 'kubeflow']).catch((e: unknown) => e)) as KubectlError;
    expect(forbidden.notFound).toBe(false);
    expect(forbidden.detail).toMatch(/Forbidden/);
  });
});
