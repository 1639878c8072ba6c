import { resolve } from 'node:path';
import type { Command } from 'commander';
import { clusterPreflightChecks, clusterPreflightContextOf } from '../checks/preflight/cluster/index.js';
import { parseParamEntries, preflightChecks, preflightContextOf } from '../checks/preflight/index.js';
import { maskDeep } from '../config/mask.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { action } from './action.js';
import { withClusterAccess } from './cluster-session.js';
import { addConfigOptions, type ConfigOptions, collect } from './config-options.js';
import { EXIT, out } from './output.js';
import { runChecks, summaryLine, writeReport } from './run-checks.js';

interface PreflightOptions extends ConfigOptions {
  pipeline?: string;
  param: string[];
  json?: boolean;
  output?: string;
}

export function registerPreflightCommand(program: Command): void {
  addConfigOptions(
    program
      .command('preflight')
      .description(
        'check configuration, pipeline package (KFP v2 IR, images, parameters) and versions; for the cluster target also the endpoints (discovered through kubectl when not given), kube context, KFP server and image reachability',
      )
      .option('--pipeline <file>', 'compiled pipeline package (default: config pipeline.package)')
      .option('--param <name=value>', 'a runtime parameter to be passed to the run (repeatable)', collect, [])
      .option('--json', 'print the validation report as JSON instead of one line per check')
      .option('--output <file>', 'also write the JSON validation report to this file'),
  ).action(
    action(async (options: PreflightOptions) => {
      const startedAt = new Date();
      // A path given on the command line is relative to where the user is; the default, to the checkout.
      const flags: Record<string, string> = options.pipeline ? { 'pipeline.package': resolve(options.pipeline) } : {};
      return withClusterAccess(options, flags, async ({ resolved, cluster }) => {
        const ctx = preflightContextOf(resolved, parseParamEntries(options.param), PROJECT_ROOT);
        const clusterCtx = clusterPreflightContextOf(resolved, cluster, PROJECT_ROOT);
        const results = [
          ...(await runChecks(preflightChecks, ctx, !options.json)),
          // The cluster checks skip, saying so, for the local target: printed only when they matter.
          ...(await runChecks(
            clusterPreflightChecks,
            clusterCtx,
            !options.json && resolved.config.target === 'cluster',
          )),
        ];
        const meta = {
          target: resolved.config.target,
          stackProvider: 'none',
          startedAt,
          config: maskDeep(resolved.config) as unknown as Record<string, unknown>,
          sources: resolved.sources,
        };
        const report = writeReport(options.output ?? 'reports/preflight-report.json', results, meta);
        if (options.json) out(JSON.stringify(report, null, 2));
        else out(summaryLine(results));
        return results.some((r) => r.status === 'failed') ? EXIT.checksFailed : EXIT.ok;
      });
    }),
  );
}
