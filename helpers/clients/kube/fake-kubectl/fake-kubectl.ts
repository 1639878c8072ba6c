import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The unit tests' side of fake-kubectl.mjs: writes a scenario, an executable `kubectl` wrapper
 * that points the fake at it (so nothing is set in this process's environment), and reads back
 * the command lines the fake was run with.
 */

export interface FakeServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface FakeService {
  ports?: FakeServicePort[];
  type?: string;
  /** Pod selector; null prints a service without one. Defaults to `{ app: <name> }`. */
  selector?: Record<string, string> | null;
  /** Printed verbatim by `get service` instead of the JSON (bad output). */
  raw?: string;
  /** What `port-forward service/<name>` does. */
  forward?: {
    /** 127.0.0.1 port the forward proxies to. */
    to?: number;
    /** Exit 1 with this on stderr instead of forwarding. */
    fail?: string;
    /** Never print the Forwarding line. */
    hang?: boolean;
    /** On the first connection, print "lost connection to pod" and exit 1. */
    die?: 'on-connection';
  };
}

export interface FakeKubectlScenario {
  /** Printed by `config current-context`; absent: "current-context is not set", exit 1. */
  currentContext?: string;
  /** When set, `--context X` must name one of these. */
  contexts?: string[];
  /** serverVersion.gitVersion of `version -o json`; absent: connection refused, exit 1. */
  serverVersion?: string;
  /** Commands that never answer: `config current-context`, `version`, `get namespace`, `get service`, `port-forward`. */
  hang?: string[];
  namespaces?: string[];
  /** `get namespace` fails with this stderr (e.g. a Forbidden error). */
  namespaceError?: string;
  /** By `namespace/name`. */
  services?: Record<string, FakeService>;
}

export interface FakeKubectl {
  /** Path of the executable to give as `cluster.kubectl`. */
  executable: string;
  /** Replaces the scenario for later invocations. */
  setScenario(scenario: FakeKubectlScenario): void;
  /** Every invocation's argv so far, in order of start. */
  invocations(): string[][];
  cleanup(): void;
}

export const FAKE_KUBECTL_SCRIPT = fileURLToPath(new URL('./fake-kubectl.mjs', import.meta.url));

export function createFakeKubectl(scenario: FakeKubectlScenario): FakeKubectl {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kubectl-'));
  const scenarioFile = join(dir, 'scenario.json');
  const logFile = join(dir, 'invocations.jsonl');
  const executable = join(dir, 'kubectl');
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  writeFileSync(
    executable,
    [
      '#!/bin/sh',
      `FAKE_KUBECTL_SCENARIO=${quote(scenarioFile)}`,
      `FAKE_KUBECTL_LOG=${quote(logFile)}`,
      'export FAKE_KUBECTL_SCENARIO FAKE_KUBECTL_LOG',
      // exec: the pid the suite sees is the fake's own, as it would be kubectl's.
      `exec ${quote(process.execPath)} ${quote(FAKE_KUBECTL_SCRIPT)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(executable, 0o755);
  const setScenario = (next: FakeKubectlScenario) => writeFileSync(scenarioFile, JSON.stringify(next));
  setScenario(scenario);
  return {
    executable,
    setScenario,
    invocations: () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as string[])
        : [],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
