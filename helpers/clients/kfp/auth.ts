import { type SpawnSyncOptionsWithStringEncoding, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HintedError } from '../../checks/check.js';
import { maskText, registerSecret } from '../../config/mask.js';
import type { Config } from '../../config/schema.js';

/**
 * How kfp-e2e identifies itself to the KFP API: a bearer token (given, read from a file on every
 * request — projected service-account tokens rotate under a running process — or printed by a
 * command run once per process) and, in multi-user installs, the user-identity header that the
 * Istio/oauth2 front door normally sets. Precedence: token > tokenFile > tokenCommand.
 */
export interface KfpAuth {
  token?: string;
  tokenFile?: string;
  /** A shell command printing the token on stdout (`kubectl create token …`); run once per process. */
  tokenCommand?: string;
  /** Deadline of the token command; default DEFAULT_TOKEN_COMMAND_TIMEOUT_MS. */
  tokenCommandTimeoutMs?: number;
  /** e.g. `kubeflow-userid`; sent only together with userId. */
  userIdHeader?: string;
  userId?: string;
}

/** Twice the default request timeout: `kubectl create token` makes one API call, plus start-up. */
export const DEFAULT_TOKEN_COMMAND_TIMEOUT_MS = 10_000;

/** The hint's example: a token for the profile's editor service account, for KFP's audience. */
const TOKEN_COMMAND_EXAMPLE =
  'kubectl create token default-editor -n <profile-namespace> --audience pipelines.kubeflow.org';

export function authFromConfig(kfp: Config['kfp'], timeouts?: Pick<Config['timeouts'], 'requestMs'>): KfpAuth {
  return {
    ...(kfp.token ? { token: kfp.token } : {}),
    ...(kfp.tokenFile ? { tokenFile: kfp.tokenFile } : {}),
    ...(kfp.tokenCommand ? { tokenCommand: kfp.tokenCommand } : {}),
    ...(kfp.tokenCommand && timeouts ? { tokenCommandTimeoutMs: timeouts.requestMs * 2 } : {}),
    ...(kfp.userIdHeader ? { userIdHeader: kfp.userIdHeader } : {}),
    ...(kfp.userId ? { userId: kfp.userId } : {}),
  };
}

/** Whether any source of a bearer token is configured. */
export function hasToken(auth: KfpAuth): boolean {
  return Boolean(auth.token || auth.tokenFile || auth.tokenCommand);
}

/**
 * The headers for one request. The token file is read now, not cached: tokens rotate. The token
 * command runs on the first request only (its token, or its failure, is cached for the process).
 */
export function authHeaders(auth: KfpAuth): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = auth.token ?? readTokenFile(auth.tokenFile) ?? commandToken(auth);
  if (token) headers.authorization = `Bearer ${token}`;
  if (auth.userIdHeader && auth.userId) headers[auth.userIdHeader.toLowerCase()] = auth.userId;
  return headers;
}

function readTokenFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new HintedError(
      // The path in parentheses: `…/token: …` would read as a key-value secret to the masker.
      `KFP_TOKEN_FILE (${file}): expected a readable file, saw ${code}`,
      'check KFP_TOKEN_FILE (inside a pod: /var/run/secrets/kubeflow/pipelines/token)',
    );
  }
  if (token === '') {
    throw new HintedError(
      `KFP_TOKEN_FILE (${file}): expected a bearer token, saw an empty file`,
      'write a token into it (e.g. `kubectl create token <service-account> -n <namespace>`) or unset KFP_TOKEN_FILE',
    );
  }
  // Read from disk, so resolveConfig never saw it: register it before it can reach any output.
  registerSecret(token);
  return token;
}

/**
 * What each command gave, per process. A failure is cached too: every request would otherwise run
 * the failing command again, each time blocking for up to its deadline.
 */
const commandOutcomes = new Map<string, { token: string } | { error: HintedError }>();

/** For unit tests only: forget the cached tokens so a command runs again. */
export function clearTokenCommandCache(): void {
  commandOutcomes.clear();
}

function commandToken(auth: KfpAuth): string | undefined {
  const command = auth.tokenCommand;
  if (!command) return undefined;
  let outcome = commandOutcomes.get(command);
  if (!outcome) {
    outcome = runTokenCommand(command, auth.tokenCommandTimeoutMs ?? DEFAULT_TOKEN_COMMAND_TIMEOUT_MS);
    commandOutcomes.set(command, outcome);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.token;
}

/**
 * Runs the command through `sh -c`, without stdin (a command asking for a password fails instead of
 * hanging). Synchronous on purpose: headers are built synchronously, and this happens once per
 * process. `detached` (honoured by spawnSync, not in its typings) puts the shell in its own process
 * group, so a command that overstays its deadline is killed with every process it started.
 */
function runTokenCommand(command: string, timeoutMs: number): { token: string } | { error: HintedError } {
  const options: SpawnSyncOptionsWithStringEncoding & { detached: boolean } = {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 1024 * 1024,
    detached: true,
  };
  const result = spawnSync('sh', ['-c', command], options);
  // Never shown, whatever the outcome: it may be the token. Registered as a secret only once it is
  // the token — registering a failed command's output would blank out ordinary words everywhere.
  const stdout = (result.stdout ?? '').trim();

  const shown = `KFP_TOKEN_COMMAND (\`${maskText(command)}\`)`;
  const stderr = tail(result.stderr ?? '');
  const said = stderr ? `; stderr: ${stderr}` : '';
  const fix = `it must print a bearer token on stdout, e.g. \`${TOKEN_COMMAND_EXAMPLE}\`; run it by hand to see why it fails`;
  const failure = (message: string, hint = fix) => ({ error: new HintedError(message, hint) });

  const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT') {
    if (result.pid) killGroup(result.pid);
    return failure(
      `${shown}: expected a token within ${timeoutMs} ms, the command was still running (killed)${said}`,
      `does it wait for input or a login (stdin is closed)? Is the cluster reachable (\`kubectl cluster-info\`)? ${fix}`,
    );
  }
  if (result.error) return failure(`${shown}: could not be run: ${maskText(result.error.message)}`);
  if (result.status !== 0) {
    const how =
      result.status === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.status}`;
    return failure(
      `${shown}: expected a token, the command ${how}${said}`,
      result.status === 127 ? `a program in it is not on PATH (exit code 127); ${fix}` : fix,
    );
  }
  if (stdout === '') return failure(`${shown}: expected a token on stdout, the command printed nothing${said}`);
  // A header value cannot hold a line break; the output itself is never shown, it may be the token.
  const lines = stdout.split('\n').length;
  if (lines > 1) {
    return failure(
      `${shown}: expected the token alone on stdout, the command printed ${lines} lines`,
      `let it print only the token (send anything else to stderr), e.g. \`${TOKEN_COMMAND_EXAMPLE}\``,
    );
  }
  registerSecret(stdout);
  return { token: stdout };
}

/** The last lines of a command's stderr, masked and bounded. */
function tail(stderr: string): string {
  const text = stderr.trim().split('\n').slice(-3).join(' | ');
  return maskText(text.length > 300 ? `…${text.slice(-300)}` : text);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone: the shell exited and left nothing behind.
  }
}

/** What is configured, in words, for hints: `a token from KFP_TOKEN_FILE (/path)`, `no token`. */
export function describeAuth(auth: KfpAuth): { token: string; identity: string } {
  const token = auth.token
    ? 'a token from KFP_TOKEN'
    : auth.tokenFile
      ? `a token from KFP_TOKEN_FILE (${auth.tokenFile})`
      : auth.tokenCommand
        ? `a token from KFP_TOKEN_COMMAND (\`${maskText(auth.tokenCommand)}\`)`
        : 'no token';
  const identity =
    auth.userIdHeader && auth.userId
      ? `header ${auth.userIdHeader}: ${auth.userId}`
      : auth.userIdHeader
        ? `KFP_USER_ID_HEADER=${auth.userIdHeader} but no KFP_USER_ID`
        : 'no user-identity header';
  return { token, identity };
}
