import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { detectContainerRuntime } from '../container-runtime.js';
import { NATIVE_PATHS, PROJECT_ROOT, STACK_HOME } from '../project-paths.js';
import { VERSIONS } from '../topology.js';
import {
  CHROMIUM,
  type DebianPackage,
  dpkgInstalled,
  installPackages,
  LIBXML2_UTILS,
  POSTGRESQL,
  PYTHON,
  planPackages,
} from './debian-packages.js';
import { has, ProvisionError, runStep, stampMatches, writeStamp } from './step.js';

/**
 * Provisions what the suite needs beyond node modules, idempotently and pinned:
 * - the Python virtualenv (MLflow server, KFP SDK and local runner, reference pipeline, gateway),
 *   always: the reference system needs it on every path;
 * - the native servers (PostgreSQL, MinIO), when no container runtime answers or SETUP_NATIVE=1;
 * - Debian packages: chromium (the HTML report in a headless browser) and libxml2-utils (xmllint,
 *   the JUnit schema check) always; postgresql-15 on the native path; python3 and python3-venv
 *   when the venv must be built and they are missing (as in the node:20-bookworm CI image).
 * All Debian packages go through one apt step, so no two apt-get runs race for the dpkg lock.
 */
const PYTHON_LOCK = join(PROJECT_ROOT, 'fixtures/poblesec/requirements.lock');

function lockHash(): string {
  return createHash('sha256').update(readFileSync(PYTHON_LOCK)).digest('hex');
}

function venvUpToDate(): boolean {
  return existsSync(NATIVE_PATHS.python) && stampMatches('venv', lockHash());
}

/** `pythonReady`: the apt step, when it installs Python itself. */
async function pythonVenv(pythonReady: Promise<void>): Promise<void> {
  if (venvUpToDate()) {
    console.log('✓ python virtualenv (unchanged requirements.lock)');
    return;
  }
  await pythonReady;
  const hash = lockHash();
  const python = process.env.PYTHON ?? 'python3';
  if (!has(python))
    throw new ProvisionError(`${python} not found: install Python 3.11 (e.g. apt-get install python3 python3-venv)`);
  console.log(
    `• python virtualenv: installing ${PYTHON_LOCK.replace(`${PROJECT_ROOT}/`, '')} into .stack/venv (about a minute)…`,
  );
  rmSync(NATIVE_PATHS.venv, { recursive: true, force: true });
  await runStep('venv', python, ['-m', 'venv', NATIVE_PATHS.venv]);
  await runStep('pip install', NATIVE_PATHS.python, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    PYTHON_LOCK,
  ]);
  writeStamp('venv', hash);
  console.log('✓ python virtualenv');
}

async function minio(): Promise<void> {
  if (existsSync(NATIVE_PATHS.minio) && stampMatches('minio', VERSIONS.minioModule)) {
    console.log('✓ minio (built)');
    return;
  }
  if (!has('go'))
    throw new ProvisionError(
      'Go not found: MinIO is built from its Go module; install Go >= 1.24 (https://go.dev/doc/install)',
    );
  console.log(`• minio: building ${VERSIONS.minioModule} (about 3 minutes on 2 cores)…`);
  await runStep('go install minio', 'go', ['install', VERSIONS.minioModule], {
    GOBIN: join(STACK_HOME, 'bin'),
    CGO_ENABLED: '0',
    GOFLAGS: '-trimpath',
  });
  writeStamp('minio', VERSIONS.minioModule);
  console.log('✓ minio');
}

async function main(): Promise<void> {
  const started = Date.now();
  const runtime = await detectContainerRuntime({ timeoutMs: 1000 });
  const native = process.env.SETUP_NATIVE === '1' || !runtime.available;
  console.log(
    native
      ? `• ${runtime.available ? 'SETUP_NATIVE=1' : 'no container runtime answers (Docker/Podman socket, DOCKER_HOST)'}: provisioning the native servers`
      : `• container runtime found (${runtime.detail}): containers will run the servers`,
  );
  // Python from Debian only when the venv must be built and no other interpreter was chosen.
  const python = process.env.PYTHON === undefined && !venvUpToDate() ? PYTHON : [];
  const wanted: DebianPackage[] = [CHROMIUM, LIBXML2_UTILS, ...(native ? [POSTGRESQL] : []), ...python];
  const plan = planPackages(wanted, dpkgInstalled(wanted.map((pkg) => pkg.name)));
  const apt = installPackages(plan);
  const venvWaits = plan.missing.some((pkg) => python.includes(pkg));
  // Independent steps, run side by side: the MinIO build and the pip install are the long ones.
  // Each runs to its end even when another fails, so a second setup has less left to do.
  const results = await Promise.allSettled([
    apt,
    pythonVenv(venvWaits ? apt : Promise.resolve()),
    ...(native ? [minio()] : []),
  ]);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  // The venv step re-reports a failed apt step it waited on: each failure once.
  const distinct = [...new Set(failures)];
  if (distinct.length > 0)
    throw distinct.length === 1 ? distinct[0] : new ProvisionError(distinct.map(message).join('\n'));
  console.log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  console.error(`setup failed: ${message(error)}`);
  process.exit(1);
});
