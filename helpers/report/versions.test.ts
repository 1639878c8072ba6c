import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { VersionsSchema } from './schema.js';
import { collectVersions, kfpSdkVersion } from './versions.js';

const root = mkdtempSync(join(tmpdir(), 'kfp-e2e-versions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function project(name: string, files: Record<string, string>, dirs: string[] = []): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const sub of dirs) mkdirSync(join(dir, sub), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

describe('collectVersions', () => {
  it('records node, kfp-e2e, the venv KFP SDK and the git commit', () => {
    vi.stubEnv('KFP_E2E_HOME', '');
    const site = '.stack/venv/lib/python3.11/site-packages';
    const dir = project('full', { 'package.json': '{"version": "0.4.2"}' }, [
      `${site}/kfp-2.14.3.dist-info`,
      `${site}/kfp_kubernetes-1.5.0.dist-info`,
      `${site}/kfp_pipeline_spec-0.6.0.dist-info`,
    ]);
    git(dir, 'init', '-q');
    git(dir, 'add', 'package.json');
    git(dir, 'commit', '-q', '-m', 'init');
    const versions = collectVersions(dir);
    expect(versions).toEqual({
      node: process.versions.node,
      kfpE2e: '0.4.2',
      kfpSdk: '2.14.3',
      gitCommit: git(dir, 'rev-parse', 'HEAD'),
    });
    expect(VersionsSchema.parse(versions)).toEqual(versions);
  });

  it('leaves out what it cannot find and never throws', () => {
    vi.stubEnv('KFP_E2E_HOME', '');
    const dir = project('bare', {});
    expect(collectVersions(dir)).toEqual({ node: process.versions.node, kfpE2e: 'unknown' });
  });

  it('leaves out the commit of a repository without commits', () => {
    const dir = project('no-commit', { 'package.json': '{"version": "1.0.0"}' });
    git(dir, 'init', '-q');
    expect(collectVersions(dir, { venvDir: join(dir, 'none') })).toEqual({
      node: process.versions.node,
      kfpE2e: '1.0.0',
    });
  });

  it('looks in $KFP_E2E_HOME/venv when that is set', () => {
    const home = project('home', {}, ['venv/lib/python3.12/site-packages/kfp-2.15.0.dist-info']);
    vi.stubEnv('KFP_E2E_HOME', home);
    expect(collectVersions(project('elsewhere', {})).kfpSdk).toBe('2.15.0');
  });
});

describe('kfpSdkVersion', () => {
  it('ignores the kfp_* companion packages', () => {
    const venv = project('companions', {}, ['venv/lib/python3.11/site-packages/kfp_server_api-2.14.3.dist-info']);
    expect(kfpSdkVersion(join(venv, 'venv'))).toBeUndefined();
  });
});
