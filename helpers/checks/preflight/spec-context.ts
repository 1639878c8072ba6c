import type { ClusterAccess } from '../../cluster/cluster-access.js';
import { ConfigError } from '../../config/config-error.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import { PROJECT_ROOT } from '../../stack/project-paths.js';
import { type Check, skip } from '../check.js';
import { firstLine } from './bullet-list.js';
import { type ClusterPreflightContext, clusterPreflightContextOf } from './cluster/index.js';
import { withConfigHint } from './config-valid.js';
import { type PreflightContext, preflightContextOf } from './context.js';
import { parseParamList } from './runtime-params.js';

/**
 * Runtime parameters for the preflight specs: `E2E_PARAMS`, comma-separated `name=value` entries,
 * e.g. `E2E_PARAMS='epochs=5,tags=["a","b"],extra={"x":1,"y":2}'`. A comma starts a new entry only
 * when `name=` follows it, so JSON values of LIST and STRUCT parameters keep their commas.
 */
export const PARAMS_ENV = 'E2E_PARAMS';

/**
 * The context the preflight specs run on: the suite's configuration (`resolve` is `suiteConfig`,
 * passed in so that this module stays free of Vitest), its pipeline package and `E2E_PARAMS`.
 * A configuration error is rethrown with a hint, so the check building the context (that is
 * preflight.config.valid) fails with the full issue list; malformed parameters go to
 * `paramErrors`, failing only preflight.parameters.known.
 */
export function preflightContext(
  resolve: () => ResolvedConfig,
  env: NodeJS.ProcessEnv = process.env,
): PreflightContext {
  let resolved: ResolvedConfig;
  try {
    resolved = resolve();
  } catch (error) {
    throw withConfigHint(error);
  }
  return preflightContextOf(resolved, parseParamList(env[PARAMS_ENV]), PROJECT_ROOT);
}

/** A context, or the reason there is none: the configuration could not be resolved. */
export type ConfigGated<Ctx> = { ctx: Ctx } | { configError: string };

/** Like `preflightContext`, but an invalid configuration becomes a value instead of an exception. */
export function gatedPreflightContext(
  resolve: () => ResolvedConfig,
  env: NodeJS.ProcessEnv = process.env,
): ConfigGated<PreflightContext> {
  try {
    return { ctx: preflightContext(resolve, env) };
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof ConfigError) return { configError: firstLine(cause.message) };
    throw error;
  }
}

/** The context of the cluster preflight checks: the suite's configuration and what the setup learned of the cluster. */
export function gatedClusterContext(
  resolve: () => ResolvedConfig,
  cluster: ClusterAccess | undefined,
): ConfigGated<ClusterPreflightContext> {
  const gated = gatedPreflightContext(resolve);
  if ('configError' in gated) return gated;
  return {
    ctx: clusterPreflightContextOf(
      { config: gated.ctx.config, sources: gated.ctx.sources ?? {} },
      cluster,
      gated.ctx.projectRoot,
    ),
  };
}

/**
 * The same check, skipped when the configuration is invalid. preflight.config.valid reports that
 * failure with every issue; the checks that merely need a configuration skip, naming it, in line
 * with the package checks' rule (only the root cause fails).
 */
export function requiresConfig<Ctx>(check: Check<Ctx>): Check<ConfigGated<Ctx>> {
  return {
    id: check.id,
    stage: check.stage,
    title: check.title,
    run(gated) {
      if ('configError' in gated) {
        return skip(`requires preflight.config.valid, which failed: ${gated.configError}`, {
          blockedBy: 'preflight.config.valid',
        });
      }
      return check.run(gated.ctx);
    },
  };
}
