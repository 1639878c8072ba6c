import { type Check, fail, pass } from '../check.js';
import { bulletList } from './bullet-list.js';
import { type PreflightContext, packagePathOf } from './context.js';
import { isRequiredParameter, rootParameters } from './ir-schema.js';
import { analysePackage, needSpec } from './package-analysis.js';
import { closestName, coerceParamValue } from './runtime-params.js';

type ParamContext = Pick<PreflightContext, 'packagePath' | 'projectRoot' | 'params' | 'paramErrors'>;

const HOW_TO_PASS =
  'runtime parameters come from E2E_PARAMS (comma-separated name=value) or `kfp-e2e preflight --param name=value`';

function declared(ctx: ParamContext) {
  const analysis = analysePackage(packagePathOf(ctx));
  const ready = needSpec(analysis);
  if (!ready.ok) return ready;
  return { ok: true as const, path: analysis.path, parameters: rootParameters(ready.value.spec) };
}

/** Every supplied parameter is declared in root.inputDefinitions; malformed entries fail here too. */
export const parametersKnown: Check<ParamContext> = {
  id: 'preflight.parameters.known',
  stage: 'preflight',
  title: 'runtime parameters are declared by the pipeline',
  run(ctx) {
    const malformed = ctx.paramErrors ?? [];
    if (malformed.length > 0) {
      return fail(
        bulletList(`malformed runtime parameter${malformed.length === 1 ? '' : 's'}`, malformed),
        `${HOW_TO_PASS}; each entry is name=value`,
        { malformed },
      );
    }
    const found = declared(ctx);
    if (!found.ok) return found.outcome;
    const known = Object.keys(found.parameters);
    const supplied = Object.keys(ctx.params);
    const unknown = supplied.filter((name) => !Object.hasOwn(found.parameters, name));
    const evidence = { path: found.path, supplied, declared: known };
    if (unknown.length === 0) return pass(evidence);
    const lines = unknown.map((name) => {
      const near = closestName(name, known);
      return `${name}${near ? ` (did you mean ${near}?)` : ''}`;
    });
    const declaredList =
      known.length === 0 ? 'the pipeline declares no runtime parameters' : `the pipeline declares: ${known.join(', ')}`;
    return fail(
      `unknown runtime parameter${unknown.length === 1 ? '' : 's'} ${lines.join(', ')}; ${declaredList}`,
      'remove or rename it; the names are those of the pipeline function arguments',
      { ...evidence, unknown },
    );
  },
};

/** Each supplied value parses as its declared type. Unknown names are left to the check above. */
export const parametersTypes: Check<ParamContext> = {
  id: 'preflight.parameters.types',
  stage: 'preflight',
  title: 'runtime parameter values match their declared types',
  run(ctx) {
    const found = declared(ctx);
    if (!found.ok) return found.outcome;
    const checked: Array<{ name: string; type: string; value: string }> = [];
    const problems: string[] = [];
    for (const [name, raw] of Object.entries(ctx.params)) {
      const param = Object.hasOwn(found.parameters, name) ? found.parameters[name] : undefined;
      if (!param) continue;
      checked.push({ name, type: param.parameterType, value: raw });
      const coerced = coerceParamValue(raw, param.parameterType);
      if (!coerced.ok) problems.push(`${name}=${raw}: ${param.parameterType} parameter, expected ${coerced.expected}`);
    }
    const evidence = { path: found.path, checked };
    if (problems.length === 0) return pass(evidence);
    return fail(
      bulletList(
        `runtime parameter value${problems.length === 1 ? ' does' : 's do'} not match the declared type`,
        problems,
      ),
      `${HOW_TO_PASS}; LIST and STRUCT values are JSON, BOOLEAN is true or false`,
      { ...evidence, problems },
    );
  },
};

/** Every parameter without a defaultValue and not isOptional is supplied. */
export const parametersRequired: Check<ParamContext> = {
  id: 'preflight.parameters.required',
  stage: 'preflight',
  title: 'every required runtime parameter is supplied',
  run(ctx) {
    const found = declared(ctx);
    if (!found.ok) return found.outcome;
    const required = Object.entries(found.parameters)
      .filter(([, param]) => isRequiredParameter(param))
      .map(([name]) => name);
    const missing = required.filter((name) => !Object.hasOwn(ctx.params, name));
    const evidence = { path: found.path, required, supplied: Object.keys(ctx.params) };
    if (missing.length === 0) return pass(evidence);
    const typed = missing.map((name) => `${name} (${found.parameters[name]?.parameterType})`);
    return fail(
      `missing required runtime parameter${missing.length === 1 ? '' : 's'} ${typed.join(', ')}: no default value in the pipeline and none supplied`,
      `supply ${missing.map((n) => `${n}=...`).join(',')}; ${HOW_TO_PASS}`,
      { ...evidence, missing },
    );
  },
};
