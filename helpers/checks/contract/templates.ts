import type { ContractContext } from './context.js';

/**
 * Contract strings are templates over the run: {dataset}, {identifier}, {run_id},
 * {buckets.<name>} and, once the pointer object is read, {pointer.<field>} (dotted for nested
 * fields: {pointer.metrics.rmse}). An unknown or not-yet-available variable is an error naming it:
 * an empty string in a bucket or key would check the wrong object and pass or fail for the wrong reason.
 */
export interface TemplateVars {
  readonly values: Readonly<Record<string, string>>;
  /** The pointer object's name, when the contract declares one. */
  readonly pointerObject?: string;
  /** The parsed pointer document, once its check has read it. */
  readonly pointer?: Readonly<Record<string, unknown>>;
}

export class TemplateError extends Error {
  /** The variable at fault, without braces. */
  readonly variable: string;
  /** `unknown`: no such variable; `unavailable`: a pointer field while the pointer is not read or lacks it. */
  readonly kind: 'unknown' | 'unavailable';
  constructor(variable: string, kind: 'unknown' | 'unavailable', message: string) {
    super(message);
    this.name = 'TemplateError';
    this.variable = variable;
    this.kind = kind;
  }
}

const VARIABLE = /\{([^{}]*)\}/g;

/** The variables a contract context provides. Run parameters as submitted win over the configuration. */
export function templateVars(ctx: Pick<ContractContext, 'config' | 'contract' | 'run' | 'facts'>): TemplateVars {
  const param = (name: string, fallback: string): string => {
    const value = ctx.run.parameters[name];
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  const values: Record<string, string> = {
    dataset: param('dataset', ctx.config.run.dataset),
    identifier: param('identifier', ctx.config.run.identifier),
    run_id: ctx.run.runId,
  };
  for (const [name, bucket] of Object.entries(ctx.config.buckets)) values[`buckets.${name}`] = bucket;
  const pointerObject = ctx.contract.pointer?.object;
  const pointer = pointerObject === undefined ? undefined : ctx.facts.documents[pointerObject];
  return { values, ...(pointerObject !== undefined ? { pointerObject } : {}), ...(pointer ? { pointer } : {}) };
}

/** The variable names a template uses, in order, without braces. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => (m[1] ?? '').trim());
}

/** Whether a template needs the pointer document. */
export function usesPointer(template: string): boolean {
  return templateVariables(template).some((v) => v === 'pointer' || v.startsWith('pointer.'));
}

/** Renders every {variable}; throws TemplateError naming the first variable it cannot fill. */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(VARIABLE, (_, raw: string) => lookup(raw.trim(), template, vars));
}

function lookup(variable: string, template: string, vars: TemplateVars): string {
  const known = vars.values[variable];
  if (known !== undefined) return known;
  if (variable === 'pointer' || variable.startsWith('pointer.')) return pointerField(variable, template, vars);
  const names = [...Object.keys(vars.values), 'pointer.<field>'];
  throw new TemplateError(
    variable,
    'unknown',
    `unknown template variable {${variable}} in "${template}" (known: ${names.map((n) => `{${n}}`).join(', ')})`,
  );
}

function pointerField(variable: string, template: string, vars: TemplateVars): string {
  const path = variable.split('.').slice(1);
  const unavailable = (why: string) =>
    new TemplateError(
      variable,
      'unavailable',
      `template variable {${variable}} in "${template}" is unavailable: ${why}`,
    );
  if (vars.pointerObject === undefined) throw unavailable('the contract declares no pointer object');
  if (vars.pointer === undefined) throw unavailable(`the pointer object "${vars.pointerObject}" has not been read`);
  if (path.length === 0 || path.some((p) => p === ''))
    throw unavailable('name a field of the pointer, e.g. {pointer.model_version}');
  let value: unknown = vars.pointer;
  for (const field of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, field)) {
      throw unavailable(`the pointer object "${vars.pointerObject}" has no field ${path.join('.')}`);
    }
    value = (value as Record<string, unknown>)[field];
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw unavailable(
    `the pointer's field ${path.join('.')} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'}, not a string, number or boolean`,
  );
}
