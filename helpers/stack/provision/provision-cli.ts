import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { detectContainerRuntime } from '../container-runtime.js';
import { NATIVE_PATHS, PROJECT_ROOT, postgresBinDir, STACK_HOME } from '../project-paths.js';
import { VERSIONS } from '../topology.js';
import { has, ProvisionError, runStep, stampMatches, writeStamp } from './step.js';

/**
 * Provisions what the suite needs beyond node modules, idempotently and pinned:
 * - the Python virtualenv (MLflow server, KFP SDK and local runner, reference pipeline, gateway),
 *   always: the reference system needs it on every path;
 * - the native servers (PostgreSQL, MinIO), when no container runtime answers or SETUP_NATIVE=1.
 */
const PYTHON_LOCK = join(PROJECT_ROOT, 'fixtures/poblesec/requirements.lock');

async function pythonVenv(): Promise<void> {
  const hash = createHash('sha256').update(readFileSync(PYTHON_LOCK)).digest('hex');
  if (existsSync(NATIVE_PATHS.python) && stampMatches('venv', hash)) {
    console.log('✓ python virtualenv (unchanged requirements.lock)');
    return;
  }
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

async function postgres(): Promise<void> {
  if (postgresBinDir(VERSIONS.postgresMajor)) {
    console.log(`✓ postgresql ${VERSIONS.postgresMajor} (installed)`);
    return;
  }
  const pkg = `postgresql-${VERSIONS.postgresMajor}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    throw new ProvisionError(
      `PostgreSQL ${VERSIONS.postgresMajor} not found: install ${pkg} (Debian/Ubuntu: sudo apt-get install ${pkg}) or set E2E_POSTGRES_BIN`,
    );
  }
  console.log(`• postgresql: apt-get install ${pkg}…`);
  await runStep('apt-get update', 'apt-get', ['update', '-qq']);
  await runStep('apt-get install', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
    DEBIAN_FRONTEND: 'noninteractive',
  });
  console.log(`✓ postgresql ${VERSIONS.postgresMajor}`);
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
  // Independent steps, run side by side: the MinIO build and the pip install are the long ones.
  await Promise.all([pythonVenv(), ...(native ? [postgres(), minio()] : [])]);
  console.log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`setup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
