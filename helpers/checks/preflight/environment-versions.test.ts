import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../check.js';
import { environmentVersions } from './environment-versions.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('preflight.environment.versions', () => {
  it('passes, recording what it found and noting what it did not', async () => {
    vi.stubEnv('KFP_E2E_HOME', '');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '1.2.3' }));
    const result = await runCheck(environmentVersions, { projectRoot: dir });
    vi.unstubAllEnvs();
    expect(result.status).toBe('passed');
    expect(result.evidence).toEqual({
      node: process.versions.node,
      kfpE2e: '1.2.3',
      notes: [
        'KFP SDK: no kfp-*.dist-info in the project venv (.stack/venv); run `npm run setup` to install it',
        'git commit: not a git checkout with a commit, or git is not installed',
      ],
    });
  });
});
