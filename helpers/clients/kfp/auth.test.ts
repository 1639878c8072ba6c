import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../../checks/check.js';
import { clearRegisteredSecrets, maskText } from '../../config/mask.js';
import { retryUntil } from '../../util/retry-until.js';
import { authFromConfig, authHeaders, clearTokenCommandCache, describeAuth, hasToken } from './auth.js';
import { KfpApiError } from './errors.js';
import { startFakeKfp } from './fake-kfp.js';
import { KfpClient } from './kfp-client.js';

/** Temp dirs made by a test, removed after it. */
const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tokenFile = (content: string) => {
  const file = join(scratch('kfp-auth-'), 'token');
  writeFileSync(file, content);
  return file;
};

afterEach(() => {
  clearRegisteredSecrets();
  clearTokenCommandCache();
});

/** The HintedError a call throws. */
function thrown(call: () => unknown): HintedError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(HintedError);
    return error as HintedError;
  }
  return expect.unreachable('expected a HintedError');
}

/** A command that counts its runs in a file, then does `then`. */
function countingCommand(then: string): { command: string; runs: () => number } {
  const counter = join(scratch('kfp-token-cmd-'), 'runs');
  return {
    command: `echo run >> '${counter}'; ${then}`,
    runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

describe('KFP auth headers', () => {
  it('sends a configured token as a bearer token', () => {
    expect(authHeaders({ token: 'tok-123456' })).toEqual({ authorization: 'Bearer tok-123456' });
  });

  it('re-reads the token file for every request, so a rotated token is picked up', () => {
    const file = tokenFile('first-token-value\n');
    expect(authHeaders({ tokenFile: file }).authorization).toBe('Bearer first-token-value');
    writeFileSync(file, 'rotated-token-value');
    expect(authHeaders({ tokenFile: file }).authorization).toBe('Bearer rotated-token-value');
  });

  it('registers a token read from a file as a secret, so it is masked everywhere', () => {
    const file = tokenFile('file-token-abcdef');
    authHeaders({ tokenFile: file });
    expect(maskText('the token is file-token-abcdef')).toBe('the token is ***');
  });

  it('prefers the token value over the file', () => {
    expect(authHeaders({ token: 'value-token', tokenFile: '/nonexistent' }).authorization).toBe('Bearer value-token');
  });

  it('names an unreadable or empty token file with a hint', () => {
    expect(() => authHeaders({ tokenFile: '/nonexistent/token' })).toThrow(/expected a readable file, saw ENOENT/);
    try {
      authHeaders({ tokenFile: tokenFile('  \n') });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HintedError);
      expect((error as HintedError).message).toMatch(/saw an empty file/);
      expect((error as HintedError).hint).toMatch(/kubectl create token/);
    }
  });

  it('adds the user-identity header (lower-cased name) only with a user id', () => {
    expect(authHeaders({ userIdHeader: 'Kubeflow-UserId', userId: 'user@example.com' })).toEqual({
      'kubeflow-userid': 'user@example.com',
    });
    expect(authHeaders({ userIdHeader: 'kubeflow-userid' })).toEqual({});
  });

  it('sends nothing when nothing is configured', () => {
    expect(authHeaders({})).toEqual({});
  });

  it('takes the kfp.* keys of the configuration', () => {
    const auth = authFromConfig({
      pathPrefix: '',
      namespace: 'kubeflow',
      tokenFile: '/var/run/secrets/kubeflow/pipelines/token',
      userIdHeader: 'kubeflow-userid',
      userId: 'me@example.com',
    });
    expect(auth).toEqual({
      tokenFile: '/var/run/secrets/kubeflow/pipelines/token',
      userIdHeader: 'kubeflow-userid',
      userId: 'me@example.com',
    });
    expect(describeAuth(auth)).toEqual({
      token: 'a token from KFP_TOKEN_FILE (/var/run/secrets/kubeflow/pipelines/token)',
      identity: 'header kubeflow-userid: me@example.com',
    });
  });

  it('takes the token command, its deadline twice the request timeout', () => {
    const kfp = { pathPrefix: '', namespace: 'team-a', tokenCommand: 'kubectl create token default-editor -n team-a' };
    expect(authFromConfig(kfp, { requestMs: 5_000 })).toEqual({
      tokenCommand: 'kubectl create token default-editor -n team-a',
      tokenCommandTimeoutMs: 10_000,
    });
    expect(describeAuth(authFromConfig(kfp)).token).toBe(
      'a token from KFP_TOKEN_COMMAND (`kubectl create token default-editor -n team-a`)',
    );
    expect(hasToken(authFromConfig(kfp))).toBe(true);
    expect(hasToken({ userIdHeader: 'kubeflow-userid', userId: 'me@example.com' })).toBe(false);
  });
});

describe('KFP token command', () => {
  it('sends what the command prints (trimmed) and runs it once per process', () => {
    const { command, runs } = countingCommand("printf '  cmd-token-0123456789\\n\\n'");
    expect(authHeaders({ tokenCommand: command }).authorization).toBe('Bearer cmd-token-0123456789');
    expect(authHeaders({ tokenCommand: command }).authorization).toBe('Bearer cmd-token-0123456789');
    expect(runs()).toBe(1);
  });

  it('registers the token as a secret before it is used, so it is masked everywhere', () => {
    authHeaders({ tokenCommand: "sh -c 'echo tok-from-a-command'" });
    expect(maskText('Authorization failed for tok-from-a-command')).toBe('Authorization failed for ***');
  });

  it('comes last: a token or a token file wins, and the command is not run', () => {
    const { command, runs } = countingCommand('echo command-token');
    expect(authHeaders({ token: 'value-token', tokenCommand: command }).authorization).toBe('Bearer value-token');
    const file = tokenFile('file-token-value');
    expect(authHeaders({ tokenFile: file, tokenCommand: command }).authorization).toBe('Bearer file-token-value');
    expect(runs()).toBe(0);
    expect(describeAuth({ tokenFile: file, tokenCommand: command }).token).toMatch(/^a token from KFP_TOKEN_FILE/);
  });

  it('a failing command: names the command (masked), its exit code and stderr tail, hints kubectl create token', () => {
    const { command, runs } = countingCommand(
      'echo password=hunter2-secret >/dev/null; echo \'Error from server (Forbidden): serviceaccounts "default-editor" is forbidden\' >&2; exit 3',
    );
    const error = thrown(() => authHeaders({ tokenCommand: command }));
    expect(error.message).toContain('KFP_TOKEN_COMMAND (`echo run >>');
    expect(error.message).toContain('password=*** >/dev/null');
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).toContain(
      'the command exited with code 3; stderr: Error from server (Forbidden): serviceaccounts "default-editor" is forbidden',
    );
    expect(error.hint).toContain(
      'kubectl create token default-editor -n <profile-namespace> --audience pipelines.kubeflow.org',
    );
    // The failure is cached: a second request does not run the command again.
    expect(thrown(() => authHeaders({ tokenCommand: command })).message).toBe(error.message);
    expect(runs()).toBe(1);
  });

  it('a command that is not on PATH: exit code 127 and a hint saying so', () => {
    const error = thrown(() => authHeaders({ tokenCommand: 'kubectl-not-installed-xyz create token x' }));
    expect(error.message).toMatch(/exited with code 127; stderr: .*kubectl-not-installed-xyz: .*not found/);
    expect(error.hint).toMatch(/not on PATH/);
  });

  it('a command that prints nothing, or more than the token: no token, and its output is not shown', () => {
    expect(thrown(() => authHeaders({ tokenCommand: 'true' })).message).toBe(
      'KFP_TOKEN_COMMAND (`true`): expected a token on stdout, the command printed nothing',
    );
    const error = thrown(() =>
      authHeaders({ tokenCommand: 'echo Warning: deprecated; echo multi-line-$((6 * 7))-token' }),
    );
    expect(error.message).toMatch(/expected the token alone on stdout, the command printed 2 lines$/);
    expect(error.message).not.toContain('multi-line-42-token');
  });

  it('a command that overstays its deadline is killed with what it started, and named', async () => {
    const dir = scratch('kfp-token-sleep-');
    const pidFile = join(dir, 'pid');
    const started = performance.now();
    const error = thrown(() =>
      authHeaders({ tokenCommand: `sleep 30 & echo $! > '${pidFile}'; wait`, tokenCommandTimeoutMs: 300 }),
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.message).toMatch(/expected a token within 300 ms, the command was still running \(killed\)$/);
    expect(error.hint).toMatch(/stdin is closed/);
    // The backgrounded sleep went with the shell's process group (polled: the kill is asynchronous;
    // a killed process lingers as a zombie until init reaps it, which counts as gone).
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      return !/^\d+ \(.*\) Z/.test(stat);
    };
    await retryUntil(
      async () => alive(),
      (isAlive) => !isAlive,
      () => `sleep ${pid} still running`,
      {
        timeoutMs: 3_000,
      },
    );
  });

  it('through the client: the command token authenticates; a failing command fails the call with its hint', async () => {
    const fake = await startFakeKfp({ requireToken: 'sa-token-0123456789' });
    const good = new KfpClient({
      host: fake.url,
      timeoutMs: 2_000,
      auth: { tokenCommand: 'echo sa-token-0123456789' },
    });
    const bad = new KfpClient({ host: fake.url, timeoutMs: 2_000, auth: { tokenCommand: 'exit 1' } });
    try {
      await expect(good.healthz()).resolves.toMatchObject({ multi_user: false });
      const error = await bad.healthz().then(
        () => expect.unreachable('expected the call to fail'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KfpApiError);
      expect((error as KfpApiError).message).toMatch(/healthz: KFP_TOKEN_COMMAND \(`exit 1`\): .*exited with code 1/);
      expect((error as KfpApiError).hint).toMatch(/kubectl create token default-editor/);
      // Nothing was sent without a token.
      expect(fake.requests).toHaveLength(1);
    } finally {
      await Promise.all([good.close(), bad.close(), fake.close()]);
    }
  });
});
