import type { FlatValues } from './presets.js';
import { type Config, ConfigSchema } from './schema.js';

/**
 * A copy of a configuration with some dotted keys replaced (the endpoints a stack just started),
 * validated again so a wrong value cannot slip in this way.
 */
export function applyValues(config: Config, values: FlatValues): Config {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(values)) {
    const parts = path.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return ConfigSchema.parse(copy);
}
