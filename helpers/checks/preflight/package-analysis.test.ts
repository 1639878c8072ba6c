import { describe, expect, it } from 'vitest';
import { analysePackage, needSpec } from './package-analysis.js';
import { fixture } from './test-fixtures.js';

describe('analysePackage', () => {
  it('runs every step for a good package', () => {
    const analysis = analysePackage(fixture('minimal-v2.yaml'));
    expect(analysis.load.ok).toBe(true);
    expect(analysis.format?.ok).toBe(true);
    expect(analysis.structure?.ok).toBe(true);
    const ready = needSpec(analysis);
    expect(ready.ok && ready.value.spec.pipelineInfo.name).toBe('minimal-v2');
  });

  it('stops at the first failed step', () => {
    const v1 = analysePackage(fixture('argo-v1-workflow.yaml'));
    expect(v1.format?.ok).toBe(false);
    expect(v1.structure).toBeUndefined();
    const missing = analysePackage(fixture('nope.yaml'));
    expect(missing.format).toBeUndefined();
    const blocked = needSpec(missing);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok)
      expect(blocked.outcome).toMatchObject({
        status: 'skipped',
        evidence: { blockedBy: 'preflight.package.readable' },
      });
  });
});
