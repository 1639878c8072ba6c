import { ConfigError } from '../config/config-error.js';
import { maskText } from '../config/mask.js';
import { EXIT, err } from './output.js';
import { UsageError } from './usage-error.js';

/**
 * Wraps a command's action: its return value is the exit code; bad input (config, usage) is one
 * clear message and exit 2; anything unexpected is one masked line and exit 1 — never a stack
 * trace unless KFP_E2E_DEBUG=1.
 */
export function action<Args extends unknown[]>(fn: (...args: Args) => Promise<number> | number) {
  return async (...args: Args): Promise<void> => {
    try {
      process.exitCode = await fn(...args);
    } catch (error) {
      process.exitCode = exitCodeFor(error);
      err(`kfp-e2e: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.KFP_E2E_DEBUG === '1' && error instanceof Error && error.stack) err(maskText(error.stack));
    }
  };
}

export function exitCodeFor(error: unknown): number {
  return error instanceof ConfigError || error instanceof UsageError ? EXIT.usage : EXIT.checksFailed;
}
