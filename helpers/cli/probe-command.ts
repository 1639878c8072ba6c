import type { Command } from 'commander';
import {
  type InfrastructureContext,
  infrastructureChecks,
  infrastructureContexts,
} from '../checks/infrastructure/index.js';
import { maskDeep } from '../config/mask.js';
import { action } from './action.js';
import { withClusterAccess } from './cluster-session.js';
import { addConfigOptions, type ConfigOptions } from './config-options.js';
import { EXIT, out } from './output.js';
import { runChecks, summaryLine, writeReport } from './run-checks.js';

interface ProbeOptions extends ConfigOptions {
  json?: boolean;
  output: string;
}

export function registerProbeCommand(program: Command): void {
  addConfigOptions(
    program
      .command('probe')
      .description(
        'run the infrastructure checks (DNS, TCP, health, S3, PostgreSQL, MLflow, KFP, gateway) against the configured endpoints (cluster target: those not given are discovered through kubectl and port-forwarded)',
      )
      .option('--json', 'print the validation report as JSON instead of one line per check')
      .option('--output <file>', 'where to write the JSON validation report', 'reports/probe-report.json'),
  ).action(
    action(async (options: ProbeOptions) => {
      const startedAt = new Date();
      return withClusterAccess(options, {}, async ({ resolved }) => {
        const contexts = infrastructureContexts({ config: () => resolved.config });
        let results: Awaited<ReturnType<typeof runChecks<InfrastructureContext>>>;
        try {
          results = await runChecks(infrastructureChecks, contexts.context(), !options.json);
        } finally {
          await contexts.close();
        }
        const report = writeReport(options.output, results, {
          target: resolved.config.target,
          stackProvider: 'external',
          startedAt,
          config: maskDeep(resolved.config) as unknown as Record<string, unknown>,
          sources: resolved.sources,
        });
        if (options.json) out(JSON.stringify(report, null, 2));
        else out(`${summaryLine(results)}; report: ${options.output}`);
        return results.some((r) => r.status === 'failed') ? EXIT.checksFailed : EXIT.ok;
      });
    }),
  );
}
