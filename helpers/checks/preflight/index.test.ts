import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PIPELINE_PACKAGE } from '../../config/presets.js';
import { CheckIdSchema } from '../../report/schema.js';
import { runCheck } from '../check.js';
import { type PreflightContext, preflightChecks } from './index.js';
import { isRequiredParameter, rootParameters } from './ir-schema.js';
import { analysePackage, needSpec } from './package-analysis.js';
import { coerceParamValue } from './runtime-params.js';
import { fixture, PROJECT_ROOT_FOR_TESTS, testContext } from './test-fixtures.js';

async function statuses(ctx: PreflightContext): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const check of preflightChecks) out[check.id] = (await runCheck(check, ctx)).status;
  return out;
}

describe('preflightChecks', () => {
  it('has the stable ids, in order, all in the preflight stage', () => {
    expect(preflightChecks.map((c) => c.id)).toEqual([
      'preflight.config.valid',
      'preflight.environment.versions',
      'preflight.package.readable',
      'preflight.package.format',
      'preflight.package.structure',
      'preflight.package.platform-spec',
      'preflight.images.pinned',
      'preflight.parameters.known',
      'preflight.parameters.types',
      'preflight.parameters.required',
    ]);
    for (const check of preflightChecks) {
      expect(CheckIdSchema.safeParse(check.id).success).toBe(true);
      expect(check.stage).toBe('preflight');
      expect(check.title).not.toBe('');
    }
  });

  it('all pass on the v2 fixture', async () => {
    const all = await statuses(testContext(fixture('minimal-v2.yaml'), { params: { epochs: '5' } }));
    expect(Object.entries(all).filter(([, s]) => s !== 'passed')).toEqual([]);
  });

  it('on a v1 package: the format check fails and every check after it skips', async () => {
    expect(await statuses(testContext(fixture('argo-v1-workflow.yaml')))).toEqual({
      'preflight.config.valid': 'passed',
      'preflight.environment.versions': 'passed',
      'preflight.package.readable': 'passed',
      'preflight.package.format': 'failed',
      'preflight.package.structure': 'skipped',
      'preflight.package.platform-spec': 'skipped',
      'preflight.images.pinned': 'skipped',
      'preflight.parameters.known': 'skipped',
      'preflight.parameters.types': 'skipped',
      'preflight.parameters.required': 'skipped',
    });
  });
});

/** The reference pipeline's compiled package, once fixtures/poblesec provides it. */
const reference = join(PROJECT_ROOT_FOR_TESTS, REFERENCE_PIPELINE_PACKAGE);

describe.runIf(existsSync(reference))('the reference pipeline package', () => {
  it('passes every preflight check, given a valid value for each required parameter', async () => {
    const ready = needSpec(analysePackage(reference));
    if (!ready.ok) throw new Error(JSON.stringify(ready.outcome));
    const samples = {
      STRING: 'x',
      NUMBER_INTEGER: '1',
      NUMBER_DOUBLE: '0.5',
      BOOLEAN: 'true',
      LIST: '[]',
      STRUCT: '{}',
    } as const;
    const params: Record<string, string> = {};
    for (const [name, param] of Object.entries(rootParameters(ready.value.spec))) {
      if (!isRequiredParameter(param)) continue;
      params[name] = samples[param.parameterType];
      expect(coerceParamValue(params[name], param.parameterType).ok).toBe(true);
    }
    const ctx = testContext(REFERENCE_PIPELINE_PACKAGE, { params });
    const results = await Promise.all(preflightChecks.map((check) => runCheck(check, ctx)));
    // Only the platform spec may be absent (skipped); everything else must pass.
    const notPassed = results.filter(
      (r) => r.status === 'failed' || (r.status === 'skipped' && r.id !== 'preflight.package.platform-spec'),
    );
    expect(notPassed).toEqual([]);
  });
});
