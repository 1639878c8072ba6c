import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/resolve.js';
import { PROJECT_ROOT } from '../../stack/project-paths.js';
import { type Check, HintedError, pass, runCheck } from '../check.js';
import { CONFIG_HINT } from './config-valid.js';
import { type ConfigGated, gatedPreflightContext, preflightContext, requiresConfig } from './spec-context.js';

describe('preflightContext', () => {
  it('takes the package from the config and the parameters from E2E_PARAMS', () => {
    const ctx = preflightContext(
      () => resolveConfig({ env: { PIPELINE_PACKAGE: 'fixtures/pipelines/minimal-v2.yaml' } }),
      {
        E2E_PARAMS: 'epochs=5,tags=["a","b"],extra={"x":1,"y":2}',
      },
    );
    expect(ctx).toMatchObject({
      packagePath: 'fixtures/pipelines/minimal-v2.yaml',
      params: { epochs: '5', tags: '["a","b"]', extra: '{"x":1,"y":2}' },
      paramErrors: [],
      projectRoot: PROJECT_ROOT,
      sources: { 'pipeline.package': 'env' },
    });
  });

  it('hands malformed parameters on instead of throwing', () => {
    const ctx = preflightContext(() => resolveConfig({ env: {} }), { E2E_PARAMS: 'epochs=5,my-param=1' });
    // The reference package declares dataset and identifier: the suite passes them from its config.
    expect(ctx.params).toEqual({ epochs: '5', dataset: 'PobleSec', identifier: 'kfp-e2e' });
    expect(ctx.paramErrors).toEqual([
      '"my-param=1": "my-param" is not a parameter name (letters, digits and underscores)',
    ]);
  });

  it('rethrows an invalid configuration with the issue list and a hint', () => {
    const build = () => preflightContext(() => resolveConfig({ env: { IMAGE_PINNING: 'sometimes' } }), {});
    expect(build).toThrow(HintedError);
    expect(build).toThrow(/pipeline\.imagePinning — from env \(IMAGE_PINNING\) value "sometimes"/);
    try {
      build();
    } catch (error) {
      expect((error as HintedError).hint).toBe(CONFIG_HINT);
    }
  });
});

describe('requiresConfig', () => {
  const check: Check<{ n: number }> = {
    id: 'preflight.demo.check',
    stage: 'preflight',
    title: 'demo',
    run: ({ n }) => pass({ n }),
  };

  it('runs the check when the configuration resolved', async () => {
    const gated = gatedPreflightContext(() => resolveConfig({ env: {} }), {});
    expect('ctx' in gated).toBe(true);
    expect(await runCheck(requiresConfig(check), { ctx: { n: 1 } })).toMatchObject({
      id: 'preflight.demo.check',
      status: 'passed',
    });
  });

  it('skips, naming preflight.config.valid and the first issue, when it did not', async () => {
    const gated = gatedPreflightContext(() => resolveConfig({ env: { IMAGE_PINNING: 'sometimes' } }), {});
    expect(gated).toEqual({
      configError: expect.stringMatching(
        /^invalid configuration \(1 problem\); first: pipeline\.imagePinning — from env \(IMAGE_PINNING\) value "sometimes" — /,
      ),
    });
    const result = await runCheck(requiresConfig(check), gated as ConfigGated<{ n: number }>);
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(
      /^requires preflight\.config\.valid, which failed: invalid configuration \(1 problem\); first: /,
    );
  });

  it('lets other errors through', () => {
    expect(() =>
      gatedPreflightContext(() => {
        throw new Error('boom');
      }, {}),
    ).toThrow('boom');
  });
});
