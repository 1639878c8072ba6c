import { type ParameterType, type PipelineSpec, rootParameters } from '../../checks/preflight/ir-schema.js';
import { invalidArgument } from './grpc-status.js';

/**
 * runtime_config.parameters (protobuf Values) checked against the pipeline's root
 * inputDefinitions before a run is accepted: a parameter the pipeline does not declare, or a
 * value of the wrong JSON type, is INVALID_ARGUMENT. The local API is at least as strict as the
 * real server here (which fails such a run at the latest in its driver), never more lenient:
 * a string "300" for an integer parameter is refused, although the local runner would convert it.
 * Missing required parameters are left to the runner, which fails the run, as the KFP driver does.
 */

const MATCHES: Record<ParameterType, [string, (value: unknown) => boolean]> = {
  STRING: ['a string', (v) => typeof v === 'string'],
  NUMBER_INTEGER: ['an integer number', (v) => typeof v === 'number' && Number.isSafeInteger(v)],
  NUMBER_DOUBLE: ['a number', (v) => typeof v === 'number' && Number.isFinite(v)],
  BOOLEAN: ['true or false', (v) => typeof v === 'boolean'],
  LIST: ['a list', (v) => Array.isArray(v)],
  STRUCT: ['an object', (v) => v !== null && typeof v === 'object' && !Array.isArray(v)],
};

export function checkRuntimeParameters(spec: PipelineSpec, parameters: Record<string, unknown>): void {
  const declared = rootParameters(spec);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    const param = declared[name];
    if (!param) {
      const known = Object.keys(declared);
      problems.push(`unrecognized input parameter "${name}" (the pipeline declares: ${known.join(', ') || 'none'})`);
      continue;
    }
    if (value === null) continue;
    const [expected, matches] = MATCHES[param.parameterType];
    if (!matches(value)) {
      problems.push(
        `parameter "${name}" is ${param.parameterType}: expected ${expected}, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (problems.length > 0) {
    throw invalidArgument(`Invalid runtime_config.parameters: ${problems.join('; ')}`);
  }
}

/** `--param name=value` arguments for the local runner, which converts them to the declared types. */
export function runnerParamArgs(parameters: Record<string, unknown>): string[] {
  return Object.entries(parameters)
    .filter(([, value]) => value !== null && value !== undefined)
    .flatMap(([name, value]) => ['--param', `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`]);
}
