import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../../checks/check.js';
import { contentSha256, hashDescription, versionNameFor } from './content-hash.js';
import { KfpApiError } from './errors.js';
import { type FakeKfp, type FakeKfpOptions, startFakeKfp } from './fake-kfp.js';
import { KfpClient } from './kfp-client.js';
import { ensurePipelineVersion } from './upload.js';

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

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

async function setup(options: FakeKfpOptions = {}): Promise<{ fake: FakeKfp; kfp: KfpClient }> {
  const fake = await startFakeKfp(options);
  const kfp = new KfpClient({ host: fake.url, timeoutMs: 2_000 });
  closers.push(fake, kfp);
  return { fake, kfp };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const A = bytes('# PIPELINE DEFINITION\n# Name: demo\npipelineInfo:\n  name: demo\n');
const B = bytes('# PIPELINE DEFINITION\n# Name: demo\npipelineInfo:\n  name: demo\n  description: changed\n');
const uploads = (fake: FakeKfp) =>
  fake.requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url, 'http://x').pathname.split('/').at(-1));

describe('ensurePipelineVersion (idempotent upload)', () => {
  for (const generation of ['v1gw', 'v2gw'] as const) {
    it(`${generation}: uploads a new pipeline once, then reuses it for the same bytes`, async () => {
      const { fake, kfp } = await setup({ generation });
      const first = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
      expect(first).toMatchObject({
        created: true,
        pipelineCreated: true,
        reason: 'new pipeline',
        sha256: contentSha256(A),
      });
      // The upload records the hash on the pipeline and on its first version.
      expect(fake.versions[0]?.description).toBe(hashDescription(contentSha256(A)));
      expect(fake.versions[0]?.content).toBe(new TextDecoder().decode(A));

      const again = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
      expect(again).toMatchObject({ created: false, pipelineCreated: false, reason: 'same content' });
      expect(again.version.pipeline_version_id).toBe(first.version.pipeline_version_id);
      expect(uploads(fake)).toEqual(['upload']);
    });
  }

  it('uploads a new version named <pipeline>-<hash12> only when the content changed', async () => {
    const { fake, kfp } = await setup();
    await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    const changed = await ensurePipelineVersion(kfp, { name: 'demo', content: B });
    const shaB = contentSha256(B);
    expect(changed).toMatchObject({ created: true, pipelineCreated: false, reason: 'content changed' });
    expect(changed.version.name).toBe(versionNameFor('demo', shaB));
    expect(changed.version.name).toBe(`demo-${shaB.slice(0, 12)}`);
    expect(changed.version.description).toBe(`kfp-e2e:sha256=${shaB}`);

    const sameB = await ensurePipelineVersion(kfp, { name: 'demo', content: B });
    expect(sameB.created).toBe(false);
    // Back to A: the first version still holds it, so nothing is uploaded.
    const backToA = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    expect(backToA).toMatchObject({
      created: false,
      version: { pipeline_version_id: fake.versions[0]?.pipeline_version_id },
    });
    expect(uploads(fake)).toEqual(['upload', 'upload_version']);
  });

  it('finds an old version by its name even when it is not among the newest', async () => {
    const { fake, kfp } = await setup();
    await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    await ensurePipelineVersion(kfp, { name: 'demo', content: B });
    for (let i = 0; i < 25; i++) await ensurePipelineVersion(kfp, { name: 'demo', content: bytes(`v: ${i}\n`) });
    const before = fake.versions.length;
    const result = await ensurePipelineVersion(kfp, { name: 'demo', content: B });
    expect(result.created).toBe(false);
    expect(fake.versions).toHaveLength(before);
  });

  it('stays right against a server that ignores filters', async () => {
    const { fake, kfp } = await setup({ ignoreFilters: true, defaultPageSize: 2 });
    await ensurePipelineVersion(kfp, { name: 'other', content: B });
    await ensurePipelineVersion(kfp, { name: 'third', content: B });
    const first = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    expect(first.pipelineCreated).toBe(true);
    const again = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    expect(again.created).toBe(false);
    expect(again.pipeline.pipeline_id).toBe(first.pipeline.pipeline_id);
    expect(fake.pipelines).toHaveLength(3);
  });

  it('recognises a first version whose description the server dropped, by uploading the hashed name once', async () => {
    const { fake, kfp } = await setup();
    await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    delete fake.versions[0]?.description; // an older server that ignores `description` on upload
    const second = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    expect(second).toMatchObject({ created: true, reason: 'content changed' });
    const third = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    expect(third.created).toBe(false);
  });

  it('a pipeline created concurrently (409 on upload) is looked up again and used', async () => {
    const { fake, kfp } = await setup();
    await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    // The lookup misses (the other submitter's upload had not landed yet); the upload then collides.
    fake.failNext('GET', /\/pipelines$/, 200, {});
    const result = await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    expect(result).toMatchObject({ created: false, pipelineCreated: false, reason: 'same content' });
    expect(uploads(fake)).toEqual(['upload', 'upload']);
    expect(fake.pipelines).toHaveLength(1);
  });

  it('a version uploaded concurrently (409 on upload_version) is looked up again and used', async () => {
    const { fake, kfp } = await setup();
    await ensurePipelineVersion(kfp, { name: 'demo', content: A });
    // Both lookups miss (as if the other submitter had not finished yet); the upload then collides.
    fake.failNext('GET', /\/versions$/, 200, {});
    fake.failNext('GET', /\/versions$/, 200, {});
    const pipelineId = fake.pipelines[0]?.pipeline_id ?? '';
    await kfp.uploadPipelineVersion({ pipelineId, name: versionNameFor('demo', contentSha256(B)), content: B });
    const result = await ensurePipelineVersion(kfp, { name: 'demo', content: B });
    expect(result).toMatchObject({ created: false, reason: 'same content (uploaded concurrently)' });
    expect(fake.versions).toHaveLength(2);
  });

  it('reads the package from a path and sends its file name', async () => {
    const { fake, kfp } = await setup();
    const dir = scratch('kfp-upload-');
    writeFileSync(join(dir, 'my-pipeline.yaml'), A);
    await ensurePipelineVersion(kfp, { name: 'demo', packagePath: join(dir, 'my-pipeline.yaml') });
    const upload = fake.requests.find((r) => r.url.includes('/pipelines/upload'));
    expect(upload?.body).toContain('filename="my-pipeline.yaml"');
  });

  it('a missing package is named with a hint, before any request', async () => {
    const { fake, kfp } = await setup();
    const error = await ensurePipelineVersion(kfp, { name: 'demo', packagePath: '/nonexistent/p.yaml' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(HintedError);
    expect((error as HintedError).message).toMatch(/\/nonexistent\/p\.yaml: expected a readable file, saw ENOENT/);
    expect(fake.requests).toHaveLength(0);
  });

  it('passes on other API errors unchanged', async () => {
    const { fake, kfp } = await setup();
    fake.failNext('POST', /\/pipelines\/upload$/, 403, 'RBAC: access denied');
    const error = await ensurePipelineVersion(kfp, { name: 'demo', content: A }).catch((e) => e);
    expect(error).toBeInstanceOf(KfpApiError);
    expect((error as KfpApiError).status).toBe(403);
  });
});
