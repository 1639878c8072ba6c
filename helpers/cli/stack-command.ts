import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { toEnv } from '../config/export.js';
import { resolveConfig } from '../config/resolve.js';
import { acquireLocalStack, stopPersistentStack } from '../stack/lifecycle.js';
import { persistentHealth, readPersistentState } from '../stack/persistent-stack.js';
import { action } from './action.js';
import { addConfigOptions, type ConfigOptions, configFromOptions } from './config-options.js';
import { EXIT, err, out } from './output.js';

/** Writes the stack's endpoints as an env file that `npm run test:cluster` and other tools can source. */
function writeEnvFile(file: string, values: Record<string, unknown>, options: ConfigOptions): void {
  const { config } = resolveConfig({ file: options.config, preset: 'local', stack: values });
  const env = { ...toEnv({ ...config, target: 'cluster', stack: 'external' }) };
  const lines = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
  writeFileSync(
    file,
    `# written by kfp-e2e stack up; contains credentials of a local test stack\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
}

function quote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

export function registerStackCommand(program: Command): void {
  const stack = program.command('stack').description('run the local stack by hand (PostgreSQL, MinIO, MLflow)');
  addConfigOptions(
    stack
      .command('up')
      .description('start the local stack in the background (or reuse a healthy one) and print its endpoints')
      .option('--env-file <file>', 'also write the endpoints and credentials as KEY=value lines')
      .option('--write-env <file>', 'the same as --env-file, for `npx` on Node 20 (whose node takes --env-file itself)')
      // What bin/kfp-e2e turns --env-file into: Node 20 would take --env-file for its own option.
      .addOption(new Option('--stack-env-file <file>').hideHelp()),
  ).action(
    action(async (options: ConfigOptions & { envFile?: string; writeEnv?: string; stackEnvFile?: string }) => {
      options.envFile ??= options.stackEnvFile ?? options.writeEnv;
      const { config } = configFromOptions(options, { target: 'local' });
      const handle = await acquireLocalStack(config, { persistent: true, log: (line) => err(`[stack] ${line}`) });
      for (const service of handle.stack.services) out(`${service.name.padEnd(9)} ${service.endpoint}`);
      if (options.envFile) {
        writeEnvFile(options.envFile, handle.stack.values, options);
        out(`env file: ${options.envFile}`);
      }
      out(handle.reused ? 'stack: reused (already running)' : 'stack: started; stop it with `kfp-e2e stack down`');
      return EXIT.ok;
    }),
  );
  stack
    .command('down')
    .description('stop the background stack and remove its data')
    .action(
      action(async () => {
        out((await stopPersistentStack()) ? 'stack: stopped' : 'stack: none was running');
        return EXIT.ok;
      }),
    );
  stack
    .command('status')
    .description('show whether the background stack runs and is healthy (exit 1 when not)')
    .option('--json', 'machine-readable output')
    .action(
      action(async (options: { json?: boolean }) => {
        const state = readPersistentState();
        const health = state ? await persistentHealth(state) : { healthy: false, detail: 'no stack recorded' };
        if (options.json) {
          out(
            JSON.stringify(
              {
                running: health.healthy,
                detail: health.detail,
                startedAt: state?.startedAt,
                services: state?.services.map(({ name, endpoint, pid }) => ({ name, endpoint, pid })),
              },
              null,
              2,
            ),
          );
        } else {
          out(`stack: ${health.healthy ? 'running' : 'not running'} (${health.detail})`);
          for (const service of state?.services ?? [])
            out(`${service.name.padEnd(9)} ${service.endpoint} pid ${service.pid ?? '-'}`);
        }
        return health.healthy ? EXIT.ok : EXIT.checksFailed;
      }),
    );
}
