import { inject } from 'vitest';
import { type ResolvedConfig, resolveConfig } from '../config/resolve.js';
import './provided-context.js';

let cached: ResolvedConfig | undefined;

/**
 * The configuration every spec runs with: flags are not available inside Vitest, so environment,
 * config file and preset — with the running local stack's endpoints on top for the local target.
 * Throws ConfigError (listing every problem) when invalid; the preflight config check reports it.
 */
export function suiteConfig(): ResolvedConfig {
  const stack = inject('stack');
  cached ??= resolveConfig({ stack: stack.values, ...(stack.discovered ? { discovered: stack.discovered } : {}) });
  return cached;
}
