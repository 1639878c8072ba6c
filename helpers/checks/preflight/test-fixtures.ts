import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { resolveConfig } from '../../config/resolve.js';
import type { Config } from '../../config/schema.js';
import type { PreflightContext } from './context.js';

/** Shared by the preflight unit tests: fixture paths, a parsed fixture, a context. */
export const PROJECT_ROOT_FOR_TESTS = fileURLToPath(new URL('../../../', import.meta.url));

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../fixtures/pipelines/${name}`, import.meta.url));
}

/** The documents of a YAML fixture as plain values, to derive broken variants from. */
export function fixtureDocuments(name: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(fixture(name), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

/** The local preset's configuration, with nothing from the environment. */
/**
 * A copy of one document of a fixture with values replaced at dotted paths
 * (`'root.dag.tasks': {}`), to make broken variants without loosening types.
 */
export function editedFixture(
  name: string,
  changes: Record<string, unknown>,
  documentIndex = 0,
): Record<string, unknown> {
  const document = structuredClone(fixtureDocuments(name)[documentIndex] ?? {});
  for (const [path, value] of Object.entries(changes)) {
    const parts = path.split('.');
    const last = parts.pop() as string;
    let node: Record<string, unknown> = document;
    for (const part of parts) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[last] = value;
  }
  return document;
}

export function testConfig(pipeline: Partial<Config['pipeline']> = {}): Config {
  const { config } = resolveConfig({ env: {} });
  return { ...config, pipeline: { ...config.pipeline, ...pipeline } };
}

export function testContext(packagePath: string, overrides: Partial<PreflightContext> = {}): PreflightContext {
  return { config: testConfig(), packagePath, params: {}, projectRoot: PROJECT_ROOT_FOR_TESTS, ...overrides };
}
