import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigIssue, type ConfigSource } from './config-error.js';
import { CONFIG_KEYS, type ConfigKey, findKey } from './keys.js';
import { MASK, maskText, registerSecret } from './mask.js';
import {
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICES,
  type FlatValues,
  PRESETS,
  type PresetName,
  presetDefaults,
} from './presets.js';
import { type Config, ConfigSchema } from './schema.js';

/** Names of the environment variables that steer resolution itself. */
export const CONFIG_FILE_ENV = 'E2E_CONFIG';
export const PRESET_ENV = 'E2E_PRESET';

export interface ResolveInput {
  /** `--set key=value` flags and dedicated CLI options, by dotted key. Highest precedence. */
  flags?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Path of a YAML/JSON config file; defaults to $E2E_CONFIG. */
  file?: string;
  preset?: string;
  /** Endpoints and credentials of a running local stack: for the local target they win over all. */
  stack?: FlatValues;
  /** Endpoints discovered in the cluster (port-forwards): above the preset, below everything given. */
  discovered?: FlatValues;
}

export interface ResolvedConfig {
  config: Config;
  preset: PresetName;
  file?: string;
  sources: Record<string, ConfigSource>;
}

interface Candidate {
  value: unknown;
  source: ConfigSource;
  origin?: string;
}

/** Precedence, highest first, below the stack layer: flags > environment > file > preset defaults. */
export function resolveConfig(input: ResolveInput = {}): ResolvedConfig {
  const env = input.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const filePath = input.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  const fileLayer = filePath ? readConfigFile(filePath, issues) : {};
  const envLayer = readEnv(env);
  const flagLayer = readFlags(input.flags ?? {}, issues);

  const preset = choosePreset(input, env, fileLayer, envLayer, flagLayer, issues, filePath);
  const layers: Array<[ConfigSource, FlatValues, (key: ConfigKey) => string | undefined]> = [
    ['flag', flagLayer, (key) => `--set ${key.path}`],
    ['env', envLayer, (key) => key.env],
    ['file', fileLayer, () => filePath],
  ];
  const givenText = (path: string) => {
    const value = pick(path, layers)?.value;
    return typeof value === 'string' ? value : undefined;
  };
  const namespace = givenText('kfp.namespace') ?? DEFAULT_NAMESPACE;
  const services = Object.fromEntries(
    Object.keys(DEFAULT_SERVICES).flatMap((key) => {
      const value = givenText(`cluster.services.${key}`);
      return value ? [[key, value]] : [];
    }),
  );
  const defaults = presetDefaults(preset, namespace, {
    servicesNamespace: givenText('cluster.namespace') ?? namespace,
    services,
  });
  const stackWins = preset === 'local' && input.stack !== undefined;
  const ordered: typeof layers = [
    ...(stackWins ? [['stack', input.stack ?? {}, () => 'local stack'] as (typeof layers)[number]] : []),
    ...layers,
    // Endpoints found through kubectl and port-forwarded: above the preset's in-cluster DNS names,
    // below anything the user gave.
    ...(input.discovered
      ? [['discovered', input.discovered, () => 'kubectl discovery'] as (typeof layers)[number]]
      : []),
    ['default', defaults, () => `preset ${preset}`],
  ];

  const nested: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const key of CONFIG_KEYS) {
    ensureParent(nested, key.path);
    const chosen = pick(key.path, ordered);
    if (!chosen || chosen.value === undefined) {
      if (!key.optional) {
        issues.push({
          key: key.path,
          source: 'missing',
          expected: `required${preset === 'prod' && key.requiredInProd ? ' under the prod preset (no default for secrets)' : ''}; set ${key.env} or --set ${key.path}`,
        });
      }
      continue;
    }
    const parsed = key.schema.safeParse(chosen.value);
    if (!parsed.success) {
      issues.push({
        key: key.path,
        source: chosen.source,
        origin: chosen.origin,
        // Masked here too, not only in the message: `issues` is public and may be printed as is.
        value: key.secret ? MASK : maskText(String(chosen.value)),
        expected: parsed.error.issues.map((i) => i.message).join('; '),
      });
      continue;
    }
    if (key.secret && !key.identifier) registerSecret(String(parsed.data));
    setPath(nested, key.path, parsed.data);
    sources[key.path] = chosen.source;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  // The per-key parse above already validated every leaf; this builds the typed object.
  const config = ConfigSchema.parse(nested);
  return { config, preset, file: filePath, sources };
}

function pick(
  path: string,
  layers: Array<[ConfigSource, FlatValues, (key: ConfigKey) => string | undefined]>,
): Candidate | undefined {
  const key = findKey(path);
  for (const [source, values, origin] of layers) {
    if (values[path] !== undefined) return { value: values[path], source, origin: key ? origin(key) : undefined };
  }
  return undefined;
}

function choosePreset(
  input: ResolveInput,
  env: NodeJS.ProcessEnv,
  file: FlatValues,
  envLayer: FlatValues,
  flags: FlatValues,
  issues: ConfigIssue[],
  filePath: string | undefined,
): PresetName {
  const fromEnv = nonEmpty(env[PRESET_ENV]);
  const explicit: Candidate | undefined =
    input.preset !== undefined
      ? { value: input.preset, source: 'flag', origin: '--preset' }
      : fromEnv !== undefined
        ? { value: fromEnv, source: 'env', origin: PRESET_ENV }
        : file.preset !== undefined
          ? { value: file.preset, source: 'file', origin: filePath }
          : undefined;
  if (explicit !== undefined) {
    if ((PRESETS as readonly unknown[]).includes(explicit.value)) return explicit.value as PresetName;
    issues.push({
      key: 'preset',
      source: explicit.source,
      origin: explicit.origin,
      value: String(explicit.value),
      expected: `one of ${PRESETS.join(', ')}`,
    });
    return 'local';
  }
  const target = flags.target ?? envLayer.target ?? file.target;
  return target === 'cluster' ? 'cluster' : 'local';
}

/**
 * Kubernetes service links: in a namespace with a Service named `postgres`, every pod gets
 * `POSTGRES_PORT=tcp://10.0.0.7:5432`. That is the cluster's variable, not the user's setting, so a
 * `*_PORT` value of that shape is taken as unset (the preset's port then applies).
 */
const SERVICE_LINK = /^(tcp|udp|sctp):\/\/[^/]+:\d+$/;

function readEnv(env: NodeJS.ProcessEnv): FlatValues {
  const out: FlatValues = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key.env];
    if (value === undefined || value === '') continue;
    if (key.env.endsWith('_PORT') && SERVICE_LINK.test(value)) continue;
    out[key.path] = value;
  }
  return out;
}

function readFlags(flags: Record<string, string>, issues: ConfigIssue[]): FlatValues {
  const out: FlatValues = {};
  for (const [path, value] of Object.entries(flags)) {
    if (!findKey(path)) {
      issues.push({
        key: path,
        source: 'flag',
        expected: `unknown key; known keys: ${CONFIG_KEYS.map((k) => k.path).join(', ')}`,
      });
      continue;
    }
    out[path] = value;
  }
  return out;
}

function readConfigFile(path: string, issues: ConfigIssue[]): FlatValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    issues.push({
      key: 'configFile',
      source: 'file',
      origin: path,
      expected: `a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    });
    return {};
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    issues.push({
      key: 'configFile',
      source: 'file',
      origin: path,
      expected: `valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
    });
    return {};
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    issues.push({
      key: 'configFile',
      source: 'file',
      origin: path,
      expected: 'a mapping of settings at the top level',
    });
    return {};
  }
  const flat: FlatValues = {};
  flatten(data as Record<string, unknown>, '', flat);
  for (const key of Object.keys(flat)) {
    if (key !== 'preset' && !findKey(key)) {
      issues.push({ key, source: 'file', origin: path, expected: 'unknown key (see `kfp-e2e config --keys`)' });
      delete flat[key];
    }
  }
  return flat;
}

function flatten(value: Record<string, unknown>, prefix: string, into: FlatValues): void {
  for (const [name, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (item !== null && typeof item === 'object' && !Array.isArray(item))
      flatten(item as Record<string, unknown>, path, into);
    else into[path] = item;
  }
}

function ensureParent(target: Record<string, unknown>, path: string): Record<string, unknown> {
  let node = target;
  for (const part of path.split('.').slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  return node;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  ensureParent(target, path)[path.split('.').pop() as string] = value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
