import { describe, expect, it } from 'vitest';
import { runCheck } from '../check.js';
import { imagesPinned } from './images-pinned.js';
import { fixture, testConfig, testContext } from './test-fixtures.js';

const withSeverity = (path: string, imagePinning: 'error' | 'warn' | 'off') =>
  testContext(path, { config: testConfig({ imagePinning }) });

const UNPINNED = [
  'exec-prepare: python:latest (tag latest moves with every push)',
  'exec-train: registry.example.com:5000/poblesec/trainer (no tag, so it pulls :latest)',
];

describe('preflight.images.pinned', () => {
  it('passes when every image is pinned by tag or digest', async () => {
    const result = await runCheck(imagesPinned, withSeverity(fixture('minimal-v2.yaml'), 'error'));
    expect(result.status).toBe('passed');
    expect(result.evidence.images).toEqual([
      { executor: 'exec-prepare-data', image: 'python:3.11.9-slim', pinned: true, by: 'tag', tag: '3.11.9-slim' },
      expect.objectContaining({ executor: 'exec-train-model', pinned: true, by: 'digest' }),
    ]);
  });

  it('fails under severity error, naming each unpinned image and why', async () => {
    const result = await runCheck(imagesPinned, withSeverity(fixture('unpinned-image.yaml'), 'error'));
    expect(result.status).toBe('failed');
    expect(result.error).toBe(`2 of 3 executor images are not pinned:\n${UNPINNED.map((l) => `  - ${l}`).join('\n')}`);
    expect(result.hint).toContain('IMAGE_PINNING=warn');
    expect(result.evidence).toMatchObject({ severity: 'error', executorsWithoutImage: ['exec-importer'] });
  });

  it('passes under severity warn, with the problems as warnings', async () => {
    const result = await runCheck(imagesPinned, withSeverity(fixture('unpinned-image.yaml'), 'warn'));
    expect(result.status).toBe('passed');
    expect(result.evidence.warnings).toEqual(UNPINNED.map((l) => `unpinned image: ${l}`));
  });

  it('skips under severity off, with the reason', async () => {
    const result = await runCheck(imagesPinned, withSeverity(fixture('unpinned-image.yaml'), 'off'));
    expect(result).toMatchObject({
      status: 'skipped',
      reason: 'image pinning is off (pipeline.imagePinning / IMAGE_PINNING = off)',
    });
  });

  it('skips, naming the failed package check, when the package is unusable', async () => {
    const result = await runCheck(imagesPinned, withSeverity(fixture('argo-v1-workflow.yaml'), 'error'));
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/^requires preflight\.package\.format, which failed: .* is a KFP v1 package/);
  });
});
