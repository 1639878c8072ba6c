import { z } from 'zod';
import { ConfigSchema, type SettingMeta } from './schema.js';

/** One leaf of the configuration: its dotted path, its own schema and what the schema says about it. */
export interface ConfigKey extends SettingMeta {
  path: string;
  schema: z.ZodType;
  optional: boolean;
}

function collect(shape: Record<string, z.ZodType>, prefix: string, into: ConfigKey[]): ConfigKey[] {
  for (const [name, schema] of Object.entries(shape)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (schema instanceof z.ZodObject) {
      collect(schema.shape as Record<string, z.ZodType>, path, into);
      continue;
    }
    const meta = schema.meta() as SettingMeta | undefined;
    if (!meta?.env) throw new Error(`config key ${path} has no metadata (env, description)`);
    into.push({ ...meta, path, schema, optional: schema instanceof z.ZodOptional });
  }
  return into;
}

/** Every configuration key, in declaration order. */
export const CONFIG_KEYS: readonly ConfigKey[] = collect(ConfigSchema.shape as Record<string, z.ZodType>, '', []);

const byPath = new Map(CONFIG_KEYS.map((key) => [key.path, key]));

export function findKey(path: string): ConfigKey | undefined {
  return byPath.get(path);
}

export const SECRET_PATHS: ReadonlySet<string> = new Set(CONFIG_KEYS.filter((k) => k.secret).map((k) => k.path));

/** The value at a dotted key (`minio.endpoint`) of a resolved configuration. */
export function configValueAt(config: object, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], config);
}
