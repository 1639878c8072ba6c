import { CONFIG_KEYS, configValueAt } from './keys.js';
import type { Config } from './schema.js';

/**
 * The configuration as environment variables (the same names the suite reads), for child
 * processes and pipeline components. Includes secrets: hand it only to processes, never print it.
 */
export function toEnv(config: Config): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = configValueAt(config, key.path);
    if (value !== undefined) env[key.env] = String(value);
  }
  return env;
}

/**
 * The configuration as KFP runtime parameters (`minio_endpoint`, `bucket_models`, ...). Secrets are
 * left out on purpose: runtime parameters are stored with the run and shown in the KFP UI.
 */
export function toRuntimeParameters(config: Config): Record<string, string> {
  const params: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = configValueAt(config, key.path);
    if (value !== undefined && !key.secret) params[key.env.toLowerCase()] = String(value);
  }
  return params;
}
