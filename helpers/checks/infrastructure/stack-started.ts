import type { StackFacts } from '../../vitest/provided-context.js';
import { type Check, fail, pass } from '../check.js';

/**
 * The local stack came up (or the target needs none). When it did not, this is the one check
 * that says why — service, log tail, hint — and the per-service checks skip instead of piling up
 * connection errors.
 */
export const stackStarted: Check<{ stack: StackFacts }> = {
  id: 'infrastructure.stack.started',
  stage: 'infrastructure',
  title: 'the local stack started (or the target provides its own services)',
  run: ({ stack }) => {
    const evidence = { provider: stack.provider, services: stack.services };
    if (stack.startError) {
      return fail(
        stack.startError,
        'fix the cause above, or run `kfp-e2e stack up` to see the start step by step',
        evidence,
      );
    }
    return pass(evidence);
  },
};
