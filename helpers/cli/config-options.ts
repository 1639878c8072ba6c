import type { Command } from 'commander';
import type { FlatValues } from '../config/presets.js';
import { type ResolvedConfig, resolveConfig } from '../config/resolve.js';
import { UsageError } from './usage-error.js';

/** Options every command that needs configuration shares: --config, --preset, --set key=value. */
export interface ConfigOptions {
  config?: string;
  preset?: string;
  set?: string[];
}

export function addConfigOptions(command: Command): Command {
  return command
    .option('--config <file>', 'YAML/JSON config file (default: $E2E_CONFIG)')
    .option('--preset <name>', 'preset defaults: local, cluster or prod (default: $E2E_PRESET, else by target)')
    .option(
      '--set <key=value>',
      'set one config key, e.g. --set minio.endpoint=http://h:9000 (repeatable)',
      collect,
      [],
    );
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseSetFlags(entries: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${entry}"`);
    flags[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return flags;
}

export function configFromOptions(
  options: ConfigOptions,
  extraFlags: Record<string, string> = {},
  discovered?: FlatValues,
): ResolvedConfig {
  return resolveConfig({
    file: options.config,
    preset: options.preset,
    flags: { ...parseSetFlags(options.set ?? []), ...extraFlags },
    ...(discovered ? { discovered } : {}),
  });
}
