import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { registerConfigCommand } from './config-command.js';
import { EXIT, err } from './output.js';
import { registerPreflightCommand } from './preflight-command.js';
import { registerProbeCommand } from './probe-command.js';
import { registerReportCommand } from './report-command.js';
import { registerStackCommand } from './stack-command.js';
import { registerSubmitCommand } from './submit-command.js';
import { registerValidateCommand } from './validate-command.js';

const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('kfp-e2e')
    .description('End-to-end contract checks for ML systems on Kubeflow Pipelines v2')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 checks failed, 2 usage or configuration error.\nConfiguration: flags > environment > config file > preset defaults (see `kfp-e2e config --keys`).',
    )
    .exitOverride();
  registerConfigCommand(program);
  registerPreflightCommand(program);
  registerProbeCommand(program);
  registerStackCommand(program);
  registerValidateCommand(program);
  registerSubmitCommand(program);
  registerReportCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `kfp-e2e … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    err(`kfp-e2e: ${(error as Error).message}`);
    process.exitCode = EXIT.checksFailed;
  }
}
