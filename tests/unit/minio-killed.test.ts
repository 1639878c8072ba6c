import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../helpers/checks/check.js';
import { type InfrastructureContext, minioChecks, s3Checks } from '../../helpers/checks/infrastructure/index.js';
import { resolveConfig } from '../../helpers/config/resolve.js';
import { ensureBuckets } from '../../helpers/stack/ensure-buckets.js';
import { freePort } from '../../helpers/stack/native/free-port.js';
import { signalGroup } from '../../helpers/stack/native/managed-process.js';
import { type NativeMinio, startMinio } from '../../helpers/stack/native/minio.js';
import { NATIVE_PATHS } from '../../helpers/stack/project-paths.js';

/**
 * A real MinIO that dies in the middle of a run: its checks must fail fast, naming the endpoint,
 * instead of hanging the run. Uses the native MinIO that `npm run setup` builds where no container
 * runtime answers; with containers, setup does not build it, and this test has nothing to start.
 */
// Needs the native servers, which `npm run setup` builds where no container runtime answers (or with
// SETUP_NATIVE=1); on the testcontainers path they are absent. CI has them and fails on any skipped unit test.
describe.skipIf(!existsSync(NATIVE_PATHS.minio))('MinIO killed during a run (native MinIO)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-minio-killed-'));
  let minio: NativeMinio | undefined;

  afterAll(async () => {
    await minio?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runAll(ctx: InfrastructureContext) {
    return Promise.all([...minioChecks, ...s3Checks].map((check) => runCheck(check, ctx)));
  }

  it('fails the MinIO and S3 checks within 10 s with a message naming the endpoint', async () => {
    const [port, consolePort] = await Promise.all([freePort(), freePort()]);
    const credentials = { accessKey: 'minio-test-user', secretKey: 'minio-test-secret' };
    minio = await startMinio({ dir, port, consolePort, ...credentials });
    const { config } = resolveConfig({
      env: {},
      flags: {
        'minio.endpoint': minio.endpoint,
        'minio.accessKey': credentials.accessKey,
        'minio.secretKey': credentials.secretKey,
      },
    });
    const b = config.buckets;
    await ensureBuckets({ ...config.minio }, [
      b.rawData,
      b.processedData,
      b.models,
      b.predictions,
      b.mlflowArtifacts,
      b.pipelineRoot,
    ]);
    const ctx: InfrastructureContext = { config, services: ['minio'] };

    const before = await runAll(ctx);
    expect(before.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.error}`)).toEqual([]);

    signalGroup(minio.process.pid, 'SIGKILL');
    await minio.process.stop();
    const started = performance.now();
    const after = await runAll(ctx);
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(10_000);
    const reachable = after.filter((r) => r.id !== 'infrastructure.minio.dns');
    for (const result of reachable) {
      expect(result.status, result.id).toBe('failed');
      expect(result.error, result.id).toContain(`127.0.0.1:${port}`);
      expect(result.hint, result.id).toBeTruthy();
    }
    expect(JSON.stringify(after)).not.toContain(credentials.secretKey);
  });
});
