import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Versions } from './schema.js';

export interface CollectOptions {
  /** Deadline of `git rev-parse HEAD`; past it the commit is left out. */
  gitTimeoutMs?: number;
  /** The project venv; default `$KFP_E2E_HOME/venv` when that is set, else `<projectRoot>/.stack/venv`. */
  venvDir?: string;
}

/**
 * The versions a report's environment records: node, kfp-e2e (package.json), the KFP SDK of the
 * project venv (read from its dist-info folder name, without starting Python) and the git commit.
 * Whatever cannot be found is left out; this never throws. Synchronous, so a reporter's
 * `onTestRunEnd` can call it; the one child process (git) runs under a deadline.
 */
export function collectVersions(projectRoot: string, options: CollectOptions = {}): Versions {
  const versions: Versions = { node: process.versions.node, kfpE2e: kfpE2eVersion(projectRoot) };
  const home = process.env.KFP_E2E_HOME;
  const venvDir = options.venvDir ?? (home ? join(home, 'venv') : join(projectRoot, '.stack', 'venv'));
  const kfpSdk = kfpSdkVersion(venvDir);
  if (kfpSdk) versions.kfpSdk = kfpSdk;
  const gitCommit = gitHead(projectRoot, options.gitTimeoutMs ?? 3000);
  if (gitCommit) versions.gitCommit = gitCommit;
  return versions;
}

export function kfpE2eVersion(projectRoot: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `kfp-2.14.3.dist-info` under `<venv>/lib/python3.*\/site-packages` gives `2.14.3`. */
export function kfpSdkVersion(venvDir: string): string | undefined {
  const lib = join(venvDir, 'lib');
  for (const python of list(lib)
    .filter((name) => /^python3(\.\d+)?$/.test(name))
    .sort()
    .reverse()) {
    for (const entry of list(join(lib, python, 'site-packages'))) {
      // Only the SDK itself: kfp_pipeline_spec, kfp_kubernetes and kfp_server_api use underscores.
      const match = /^kfp-(\d[^-]*)\.dist-info$/.exec(entry);
      if (match) return match[1];
    }
  }
  return undefined;
}

export function gitHead(projectRoot: string, timeoutMs: number): string | undefined {
  try {
    const stdout = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: projectRoot,
      timeout: timeoutMs,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    const commit = stdout.trim();
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
