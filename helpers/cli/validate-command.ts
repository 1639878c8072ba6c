import type { Command } from 'commander';
import { type Check, runCheck } from '../checks/check.js';
import type { ContractContext } from '../checks/contract/context.js';
import { contractChecks } from '../checks/contract/contract-checks.js';
import { contractFileValid, loadContractFile } from '../checks/contract/contract-file.js';
import { infrastructureChecks, infrastructureContexts } from '../checks/infrastructure/index.js';
import { kfpClientFromConfig } from '../clients/kfp/kfp-client.js';
import { serviceClients } from '../clients/service-clients.js';
import { maskDeep } from '../config/mask.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { readSubmission } from '../report/run-context.js';
import type { CheckResult } from '../report/schema.js';
import { action } from './action.js';
import { withClusterAccess } from './cluster-session.js';
import { addConfigOptions, type ConfigOptions } from './config-options.js';
import { EXIT, err, out } from './output.js';
import { printResult, runChecks, summaryLine, writeReport } from './run-checks.js';
import { UsageError } from './usage-error.js';

interface ValidateOptions extends ConfigOptions {
  runId?: string;
  experiment?: string;
  latest?: boolean;
  contract?: string;
  output: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerValidateCommand(program: Command): void {
  addConfigOptions(
    program
      .command('validate')
      .description('check a finished run against the contract (the contract stage, outside Vitest)')
      .option('--run-id <id>', 'the KFP run to validate')
      .option('--experiment <name>', 'with --latest: the experiment whose newest run is validated')
      .option('--latest', 'validate the newest run of --experiment (default: config run.experiment)')
      .option('--contract <file>', 'contract file (default: config pipeline.contract)')
      .option('--output <file>', 'where to write the JSON validation report', 'reports/validate-report.json')
      .option('--dry-run', 'check connectivity and the contract file only; read no run')
      .option('--json', 'print the validation report as JSON instead of one line per check')
      .addHelpText(
        'after',
        '\nExit codes: 0 the run honours the contract, 1 a check failed, 2 usage, configuration or contract-file error.',
      ),
  ).action(action(validate));
}

async function validate(options: ValidateOptions): Promise<number> {
  const startedAt = new Date();
  if (!options.dryRun && !options.runId && !options.latest)
    throw new UsageError('give --run-id ID, or --latest [--experiment NAME], or --dry-run');
  if (options.runId && options.latest) throw new UsageError('--run-id and --latest exclude each other');
  return withClusterAccess(options, options.contract ? { 'pipeline.contract': options.contract } : {}, ({ resolved }) =>
    validateWith(options, resolved, startedAt),
  );
}

async function validateWith(options: ValidateOptions, resolved: ResolvedConfig, startedAt: Date): Promise<number> {
  const { config } = resolved;
  const loaded = loadContractFile(config.pipeline.contract);
  if (!loaded.ok) {
    err(loaded.error.message);
    return EXIT.usage;
  }
  const print = !options.json;
  const results: CheckResult[] = [await runCheck(contractFileValid, { loaded })];
  if (print) printResult(results[0] as CheckResult);
  const kfp = kfpClientFromConfig(config);
  const clients = serviceClients(config);
  try {
    if (options.dryRun) {
      const contexts = infrastructureContexts({ config: () => config });
      try {
        results.push(...(await runChecks(infrastructureChecks, contexts.context(), print)));
      } finally {
        await contexts.close();
      }
    } else {
      const runId = options.runId ?? (await latestRunId(kfp, options.experiment ?? config.run.experiment));
      // The parameters the run was submitted with: from the submission stage when it made this run,
      // else the run's own record (then parameters-match compares the run with itself, and says so).
      const handoff = readSubmission();
      const parameters =
        handoff?.runId === runId ? handoff.parameters : ((await kfp.getRun(runId)).runtime_config?.parameters ?? {});
      if (print) out(`validating run ${runId} against ${loaded.file}`);
      const ctx: ContractContext = {
        config,
        contract: loaded.contract,
        run: { runId, parameters },
        clients,
        kfp,
        facts: { documents: {} },
      };
      results.push(...(await runChecks(contractChecks(loaded.contract) as Check<ContractContext>[], ctx, print)));
    }
  } finally {
    await Promise.allSettled([kfp.close(), clients.close()]);
  }
  const report = writeReport(options.output, results, {
    target: config.target,
    stackProvider: 'external',
    startedAt,
    config: maskDeep(config) as unknown as Record<string, unknown>,
    sources: resolved.sources,
  });
  if (options.json) out(JSON.stringify(report, null, 2));
  else out(`${summaryLine(results)}; report: ${options.output}`);
  return results.some((r) => r.status === 'failed') ? EXIT.checksFailed : EXIT.ok;
}

async function latestRunId(kfp: ReturnType<typeof kfpClientFromConfig>, experimentName: string): Promise<string> {
  const experiment = await kfp.findExperimentByName(experimentName);
  if (!experiment) throw new UsageError(`no experiment named "${experimentName}" on the KFP API`);
  const runs = await kfp.listRuns({ experimentId: experiment.experiment_id, pageSize: 1, sortBy: 'created_at desc' });
  const newest = runs.items[0];
  if (!newest) throw new UsageError(`experiment "${experimentName}" has no runs`);
  return newest.run_id;
}
