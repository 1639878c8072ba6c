import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../../checks/check.js';
import { clearRegisteredSecrets, maskText } from '../../config/mask.js';
import { authFromConfig, authHeaders, describeAuth } from './auth.js';

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

afterEach(() => clearRegisteredSecrets());

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
});
