import { readFileSync } from 'node:fs';
import { HintedError } from '../../checks/check.js';
import { registerSecret } from '../../config/mask.js';
import type { Config } from '../../config/schema.js';

/**
 * How kfp-e2e identifies itself to the KFP API: a bearer token (given, or read from a file on every
 * request — projected service-account tokens rotate under a running process) and, in multi-user
 * installs, the user-identity header that the Istio/oauth2 front door normally sets.
 */
export interface KfpAuth {
  token?: string;
  tokenFile?: string;
  /** e.g. `kubeflow-userid`; sent only together with userId. */
  userIdHeader?: string;
  userId?: string;
}

export function authFromConfig(kfp: Config['kfp']): KfpAuth {
  return {
    ...(kfp.token ? { token: kfp.token } : {}),
    ...(kfp.tokenFile ? { tokenFile: kfp.tokenFile } : {}),
    ...(kfp.userIdHeader ? { userIdHeader: kfp.userIdHeader } : {}),
    ...(kfp.userId ? { userId: kfp.userId } : {}),
  };
}

/** The headers for one request. The token file is read now, not cached: tokens rotate. */
export function authHeaders(auth: KfpAuth): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = auth.token ?? readTokenFile(auth.tokenFile);
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

/** What is configured, in words, for hints: `a token from KFP_TOKEN_FILE (/path)`, `no token`. */
export function describeAuth(auth: KfpAuth): { token: string; identity: string } {
  const token = auth.token
    ? 'a token from KFP_TOKEN'
    : auth.tokenFile
      ? `a token from KFP_TOKEN_FILE (${auth.tokenFile})`
      : 'no token';
  const identity =
    auth.userIdHeader && auth.userId
      ? `header ${auth.userIdHeader}: ${auth.userId}`
      : auth.userIdHeader
        ? `KFP_USER_ID_HEADER=${auth.userIdHeader} but no KFP_USER_ID`
        : 'no user-identity header';
  return { token, identity };
}
