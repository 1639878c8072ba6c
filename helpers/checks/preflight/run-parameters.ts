import type { Config } from '../../config/schema.js';
import { rootParameters } from './ir-schema.js';
import { analysePackage } from './package-analysis.js';

/**
 * The runtime parameters the suite passes to a run: the conventional `dataset` and `identifier`
 * (from the configuration) when the pipeline declares them — KFP rejects undeclared parameters —
 * overridden by the ones given explicitly (E2E_PARAMS, --param).
 */
export function suiteRunParameters(
  config: Config,
  packagePath: string,
  explicit: Record<string, string>,
): Record<string, string> {
  const analysis = analysePackage(packagePath);
  const declared = analysis.structure?.ok ? rootParameters(analysis.structure.spec) : {};
  const conventional: Record<string, string> = {};
  if ('dataset' in declared) conventional.dataset = config.run.dataset;
  if ('identifier' in declared) conventional.identifier = config.run.identifier;
  return { ...conventional, ...explicit };
}
