import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { SubmitPlan } from '../../clients/kfp/submit-run.js';
import type { Config } from '../../config/schema.js';
import { rootParameters } from '../preflight/ir-schema.js';
import { analysePackage } from '../preflight/package-analysis.js';
import { coerceParamValue } from '../preflight/runtime-params.js';

export interface PlanOptions {
  pipelineName?: string;
  experiment: string;
  run?: string;
  pipelineRoot?: string;
  serviceAccount?: string;
  now?: Date;
}

/** The package or its parameters cannot be submitted; the message says which and why. */
export class InvalidPlanError extends Error {
  override name = 'InvalidPlanError';
}

/** `20261126-065230`: sortable, and valid in KFP display names. */
export function utcStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/**
 * What one submission sends, built the same way by `kfp-e2e submit` and the submission stage:
 * the package bytes, names, and the runtime parameters typed by the package's own declarations
 * (runtime_config.parameters holds typed values: numbers as numbers).
 */
export function buildSubmitPlan(
  config: Config,
  packagePath: string,
  rawParams: Record<string, string>,
  options: PlanOptions,
): SubmitPlan {
  const analysis = analysePackage(packagePath);
  if (!analysis.structure?.ok)
    throw new InvalidPlanError(`${packagePath}: not a valid KFP v2 pipeline package (see preflight)`);
  const spec = analysis.structure.spec;
  const declared = rootParameters(spec);
  const parameters: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(rawParams)) {
    const param = declared[name];
    if (!param) throw new InvalidPlanError(`parameter ${name} is not declared by the pipeline`);
    const coerced = coerceParamValue(raw, param.parameterType);
    if (!coerced.ok)
      throw new InvalidPlanError(`parameter ${name}=${JSON.stringify(raw)}: expected ${coerced.expected}`);
    parameters[name] = coerced.value;
  }
  const pipelineName = options.pipelineName ?? spec.pipelineInfo.name;
  return {
    pipelineName,
    content: readFileSync(packagePath),
    filename: basename(packagePath),
    experimentName: options.experiment,
    experimentDescription: 'runs submitted by kfp-e2e',
    runName: options.run ?? `${pipelineName}-${config.run.identifier}-${utcStamp(options.now ?? new Date())}`,
    parameters,
    ...(options.pipelineRoot ? { pipelineRoot: options.pipelineRoot } : {}),
    ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}),
  };
}
