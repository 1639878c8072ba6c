import { accessSync, constants } from 'node:fs';
import { ConfigError, type ConfigSource } from '../../config/config-error.js';
import { configValueAt, findKey } from '../../config/keys.js';
import { MASK } from '../../config/mask.js';
import { type Config, ConfigSchema } from '../../config/schema.js';
import { type Check, fail, HintedError, pass } from '../check.js';
import { bulletList } from './bullet-list.js';
import type { PreflightContext } from './context.js';

/** One thing wrong with a configuration for its target. */
export interface ConfigProblem {
  key: string;
  expected: string;
}

export const CONFIG_HINT =
  'fix the keys listed (environment variable, config file or --set key=value); `npx kfp-e2e config` shows every value and where it came from';

/**
 * What resolution cannot know: rules that depend on the target or tie two keys together. The
 * config is also re-validated against its schema, so a hand-built Config (CLI, tests) is held to
 * the same rules as a resolved one.
 */
export function configProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const parsed = ConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ key: issue.path.join('.'), expected: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  if (config.target === 'cluster') {
    if (!config.kfp?.host) {
      problems.push({
        key: 'kfp.host',
        expected: 'required for the cluster target: the KFP API URL, e.g. http://ml-pipeline.kubeflow:8888',
      });
    }
    if (config.stack === 'testcontainers' || config.stack === 'native') {
      problems.push({ key: 'stack', expected: 'the cluster target starts nothing: use external (or leave it unset)' });
    }
  }
  const kfp = config.kfp ?? {};
  if (kfp.userIdHeader && !kfp.userId) {
    problems.push({
      key: 'kfp.userId',
      expected: `required when kfp.userIdHeader is set (the value of the ${kfp.userIdHeader} header)`,
    });
  }
  if (kfp.userId && !kfp.userIdHeader) {
    problems.push({
      key: 'kfp.userIdHeader',
      expected: 'required when kfp.userId is set (the header name, such as kubeflow-userid)',
    });
  }
  if (kfp.tokenFile && !isReadable(kfp.tokenFile)) {
    problems.push({ key: 'kfp.tokenFile', expected: 'a readable file holding the KFP bearer token' });
  }
  return problems;
}

/** `  - key — from env (KFP_HOST) value "x" — expected`, the shape ConfigError uses. Secrets masked. */
export function formatProblems(
  config: Config,
  problems: readonly ConfigProblem[],
  sources: Readonly<Record<string, ConfigSource>> = {},
): string {
  const lines = problems.map((problem) => {
    const value = configValueAt(config, problem.key);
    const key = findKey(problem.key);
    if (value === undefined || value === '') return `${problem.key} — not set — ${problem.expected}`;
    const source = sources[problem.key];
    const origin = source === 'env' && key ? ` (${key.env})` : '';
    const from = source ? `from ${source}${origin} ` : '';
    const shown = key?.secret ? MASK : String(value);
    return `${problem.key} — ${from}value ${JSON.stringify(shown)} — ${problem.expected}`;
  });
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return bulletList(`configuration is not valid for the ${String(config.target)} target (${count})`, lines);
}

export const configValid: Check<Pick<PreflightContext, 'config' | 'sources'>> = {
  id: 'preflight.config.valid',
  stage: 'preflight',
  title: 'configuration is valid for the target',
  run(ctx) {
    const { config } = ctx;
    const evidence = {
      target: config.target,
      stack: config.stack,
      kfpHost: config.kfp?.host,
      namespace: config.kfp?.namespace,
      pipelinePackage: config.pipeline?.package,
      imagePinning: config.pipeline?.imagePinning,
      ...(ctx.sources ? { sources: ctx.sources } : {}),
    };
    const problems = configProblems(config);
    if (problems.length === 0) return pass(evidence);
    return fail(formatProblems(config, problems, ctx.sources), CONFIG_HINT, {
      ...evidence,
      problems: problems.map((p) => p.key),
    });
  },
};

/**
 * For context builders: a ConfigError from resolving the configuration becomes a HintedError with
 * the same issue list, so the check that builds its context fails with that list and a hint.
 */
export function withConfigHint(error: unknown): unknown {
  return error instanceof ConfigError ? new HintedError(error.message, CONFIG_HINT, { cause: error }) : error;
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
