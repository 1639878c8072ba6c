import { resolve } from 'node:path';
import type { ConfigSource } from '../../config/config-error.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { Config } from '../../config/schema.js';
import { suiteRunParameters } from './run-parameters.js';
import type { ParsedParams } from './runtime-params.js';

/** What every preflight check runs on. Built by the specs (from suiteConfig) and by the CLI. */
export interface PreflightContext {
  config: Config;
  /** The pipeline package to inspect; a relative path is taken relative to `projectRoot`. */
  packagePath: string;
  /** The runtime parameters that will be passed to the run, as `name -> raw string`. */
  params: Record<string, string>;
  /** The kfp-e2e checkout: package.json, .git and .stack/venv live here. */
  projectRoot: string;
  /**
   * Runtime-parameter entries that could not be parsed (`E2E_PARAMS`, `--param`), one line each.
   * `preflight.parameters.known` fails naming them, so a typo fails that check and nothing else.
   */
  paramErrors?: readonly string[];
  /** Where each config value came from (ResolvedConfig.sources), so config problems can say so. */
  sources?: Readonly<Record<string, ConfigSource>>;
}

/** The package path as an absolute path. */
export function packagePathOf(ctx: Pick<PreflightContext, 'packagePath' | 'projectRoot'>): string {
  return resolve(ctx.projectRoot, ctx.packagePath);
}

/** The context for a resolved configuration and parsed runtime parameters (specs and CLI alike). */
export function preflightContextOf(
  resolved: Pick<ResolvedConfig, 'config' | 'sources'>,
  parsed: ParsedParams,
  projectRoot: string,
): PreflightContext {
  const packagePath = resolved.config.pipeline.package;
  return {
    config: resolved.config,
    packagePath,
    params: suiteRunParameters(resolved.config, resolve(projectRoot, packagePath), parsed.params),
    projectRoot,
    paramErrors: parsed.errors,
    sources: resolved.sources,
  };
}
