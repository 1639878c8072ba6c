import type { Command } from 'commander';
import { CONFIG_KEYS, configValueAt } from '../config/keys.js';
import { MASK } from '../config/mask.js';
import { action } from './action.js';
import { addConfigOptions, type ConfigOptions, configFromOptions } from './config-options.js';
import { EXIT, out, paint } from './output.js';

export function registerConfigCommand(program: Command): void {
  addConfigOptions(
    program
      .command('config')
      .description('print the resolved configuration (secrets masked) with the source of each value')
      .option('--json', 'machine-readable output')
      .option('--keys', 'list every configuration key with its environment variable and description'),
  ).action(
    action((options: ConfigOptions & { json?: boolean; keys?: boolean }) => {
      if (options.keys) {
        for (const key of CONFIG_KEYS)
          out(`${key.path.padEnd(24)} ${key.env.padEnd(26)} ${key.secret ? '(secret) ' : ''}${key.description}`);
        return EXIT.ok;
      }
      const resolved = configFromOptions(options);
      const keys: Record<string, { value: unknown; source: string; env: string }> = {};
      for (const key of CONFIG_KEYS) {
        const value = configValueAt(resolved.config, key.path);
        if (value === undefined) continue;
        keys[key.path] = {
          value: key.secret ? MASK : value,
          source: resolved.sources[key.path] ?? 'default',
          env: key.env,
        };
      }
      if (options.json) {
        out(JSON.stringify({ preset: resolved.preset, file: resolved.file ?? null, keys }, null, 2));
        return EXIT.ok;
      }
      out(`preset ${resolved.preset}${resolved.file ? `, file ${resolved.file}` : ''}`);
      for (const [path, { value, source }] of Object.entries(keys)) {
        out(`${path.padEnd(24)} ${String(value).padEnd(52)} ${paint(source, 'dim')}`);
      }
      return EXIT.ok;
    }),
  );
}
