import { z } from 'zod';

/**
 * The parts of the KFP v2 pipeline IR (`PipelineSpec` in kubeflow/pipelines
 * api/v2alpha1/pipeline_spec.proto, serialised by the compiler with camelCase JSON names) that
 * kfp-e2e relies on. Objects are loose: fields the suite does not use pass through untouched, so
 * packages from newer KFP SDKs still validate.
 */

/** `ParameterType.ParameterTypeEnum` values a pipeline's runtime parameters can have. */
export const PARAMETER_TYPES = ['STRING', 'NUMBER_INTEGER', 'NUMBER_DOUBLE', 'BOOLEAN', 'LIST', 'STRUCT'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Every KFP SDK 2.x release writes this schema version. */
export const SCHEMA_VERSION = '2.1.0';
/** `sdkVersion` as the v2 compiler writes it: `kfp-2.17.3`, `kfp-2.0.0-rc.2`. */
export const SDK_VERSION_PATTERN = /^kfp-2\.\d+\.\d+\S*$/;
/** Top-level fields of a PipelineSpec; their presence tells a v2 IR document apart from other YAML. */
export const PIPELINE_SPEC_FIELDS = [
  'pipelineInfo',
  'root',
  'components',
  'deploymentSpec',
  'schemaVersion',
  'sdkVersion',
] as const;

const name = z.string({ error: 'expected a name' }).min(1, 'expected a non-empty name');
const stringList = z.array(z.string({ error: 'expected a string' }), { error: 'expected a list of strings' });

/** What a default value must look like for each parameter type (YAML `3.0` is the number 3). */
const DEFAULT_MATCHES: Record<ParameterType, [string, (value: unknown) => boolean]> = {
  STRING: ['a string', (v) => typeof v === 'string'],
  NUMBER_INTEGER: ['an integer', (v) => typeof v === 'number' && Number.isSafeInteger(v)],
  NUMBER_DOUBLE: ['a number', (v) => typeof v === 'number' && Number.isFinite(v)],
  BOOLEAN: ['true or false', (v) => typeof v === 'boolean'],
  LIST: ['a list', (v) => Array.isArray(v)],
  STRUCT: ['a mapping', (v) => v !== null && typeof v === 'object' && !Array.isArray(v)],
};

export const RootParameterSchema = z
  .looseObject({
    parameterType: z.enum(PARAMETER_TYPES, { error: `expected one of ${PARAMETER_TYPES.join(', ')}` }),
    defaultValue: z.unknown().optional(),
    isOptional: z.boolean({ error: 'expected true or false' }).optional(),
    description: z.string().optional(),
  })
  .superRefine((param, ctx) => {
    if (param.defaultValue === undefined || param.defaultValue === null) return;
    const [expected, matches] = DEFAULT_MATCHES[param.parameterType];
    if (!matches(param.defaultValue)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultValue'],
        message: `expected ${expected} for a ${param.parameterType} parameter`,
      });
    }
  });

const TaskSchema = z.looseObject({
  componentRef: z.looseObject({ name }, { error: 'expected componentRef: {name: <component>}' }),
  taskInfo: z.looseObject({ name: z.string().optional() }).optional(),
  dependentTasks: stringList.optional(),
});

const DagSchema = z.looseObject(
  {
    tasks: z
      .record(z.string(), TaskSchema, { error: 'expected a mapping of task name to task' })
      .refine((tasks) => Object.keys(tasks).length > 0, 'expected at least one task'),
  },
  { error: 'expected a mapping with tasks' },
);

const InputDefinitionsSchema = z.looseObject({
  parameters: z
    .record(z.string(), RootParameterSchema, { error: 'expected a mapping of parameter name to spec' })
    .optional(),
  artifacts: z.record(z.string(), z.unknown()).optional(),
});

const ComponentSchema = z
  .looseObject({
    executorLabel: name.optional(),
    dag: DagSchema.optional(),
    // Components may declare TASK_FINAL_STATUS inputs, so their definitions are not narrowed here.
    inputDefinitions: z.looseObject({}).optional(),
    outputDefinitions: z.looseObject({}).optional(),
  })
  .refine((c) => (c.executorLabel === undefined) !== (c.dag === undefined), {
    message: 'expected exactly one of executorLabel or dag',
  });

const ContainerSchema = z.looseObject({
  image: z
    .string({ error: 'expected an image: every container executor needs one' })
    .refine((image) => image.trim() !== '', 'expected an image: every container executor needs one'),
  command: stringList.optional(),
  args: stringList.optional(),
});

/** `ExecutorSpec` is a oneof; importer and resolver executors run no image of their own. */
export const EXECUTOR_KINDS = ['container', 'importer', 'resolver', 'customJob'] as const;

const ExecutorSchema = z
  .looseObject({
    container: ContainerSchema.optional(),
    importer: z.looseObject({}).optional(),
    resolver: z.looseObject({}).optional(),
    customJob: z.looseObject({}).optional(),
  })
  .refine((e) => EXECUTOR_KINDS.filter((kind) => e[kind] !== undefined).length === 1, {
    message: `expected exactly one of ${EXECUTOR_KINDS.join(', ')}`,
  });

export const PipelineSpecSchema = z.looseObject({
  pipelineInfo: z.looseObject(
    { name, displayName: z.string().optional(), description: z.string().optional() },
    { error: 'expected a mapping with the pipeline name' },
  ),
  root: z.looseObject(
    {
      dag: DagSchema,
      inputDefinitions: InputDefinitionsSchema.optional(),
      outputDefinitions: z.looseObject({}).optional(),
    },
    { error: 'expected the root component: a mapping with dag' },
  ),
  components: z
    .record(z.string(), ComponentSchema, { error: 'expected a mapping of component name to component' })
    .refine((components) => Object.keys(components).length > 0, 'expected at least one component'),
  deploymentSpec: z.looseObject(
    {
      executors: z
        .record(z.string(), ExecutorSchema, { error: 'expected a mapping of executor label to executor' })
        .refine((executors) => Object.keys(executors).length > 0, 'expected at least one executor'),
    },
    { error: 'expected a mapping with executors' },
  ),
  schemaVersion: z.literal(SCHEMA_VERSION, {
    error: `expected "${SCHEMA_VERSION}", the schema every KFP 2.x compiler writes`,
  }),
  sdkVersion: z
    .string({ error: 'expected the compiling SDK, such as "kfp-2.14.3"' })
    .regex(SDK_VERSION_PATTERN, 'expected "kfp-2.<minor>.<patch>": the package must come from a KFP 2.x compiler'),
  defaultPipelineRoot: z.string().optional(),
});

export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
export type RootParameter = z.infer<typeof RootParameterSchema>;

/** The optional second document of a package: platform-specific config (`PlatformSpec`). */
export const PlatformSpecSchema = z.looseObject(
  {
    platforms: z.record(
      z.string(),
      z.looseObject(
        {
          deploymentSpec: z
            .looseObject({
              executors: z
                .record(z.string(), z.looseObject({}, { error: 'expected a mapping of executor settings' }))
                .optional(),
            })
            .optional(),
          platform: z.string().optional(),
          config: z.looseObject({}).optional(),
          pipelineConfig: z.looseObject({}).optional(),
        },
        { error: 'expected a mapping of platform settings' },
      ),
      { error: 'expected a mapping of platform name (such as kubernetes) to its settings' },
    ),
  },
  { error: 'expected a mapping with `platforms`' },
);

export type PlatformSpec = z.infer<typeof PlatformSpecSchema>;

/**
 * References the schema cannot see: every task names a component that exists, and every
 * executorLabel names an executor in deploymentSpec. Returns problems as `path: message`.
 */
export function crossReferenceProblems(spec: PipelineSpec): string[] {
  const problems: string[] = [];
  const components = new Set(Object.keys(spec.components));
  const dags: Array<[string, z.infer<typeof DagSchema>]> = [['root.dag', spec.root.dag]];
  for (const [componentName, component] of Object.entries(spec.components)) {
    if (component.dag) dags.push([`components.${componentName}.dag`, component.dag]);
    if (component.executorLabel && !(component.executorLabel in spec.deploymentSpec.executors)) {
      problems.push(
        `components.${componentName}.executorLabel: names executor "${component.executorLabel}", which deploymentSpec.executors does not define`,
      );
    }
  }
  for (const [dagPath, dag] of dags) {
    const taskNames = new Set(Object.keys(dag.tasks));
    for (const [taskName, task] of Object.entries(dag.tasks)) {
      if (!components.has(task.componentRef.name)) {
        problems.push(
          `${dagPath}.tasks.${taskName}.componentRef.name: names component "${task.componentRef.name}", which components does not define`,
        );
      }
      for (const upstream of task.dependentTasks ?? []) {
        if (!taskNames.has(upstream))
          problems.push(
            `${dagPath}.tasks.${taskName}.dependentTasks: names task "${upstream}", which this DAG does not define`,
          );
      }
    }
  }
  return problems;
}

/** Root runtime parameters, by name (empty when the pipeline declares none). */
export function rootParameters(spec: PipelineSpec): Record<string, RootParameter> {
  return spec.root.inputDefinitions?.parameters ?? {};
}

/** A parameter the caller must supply: no default value and not marked optional. */
export function isRequiredParameter(param: RootParameter): boolean {
  return param.defaultValue === undefined && param.isOptional !== true;
}

/**
 * One line per zod issue, `path: what was expected (found …)`, with `missing` for absent fields,
 * so a user sees at once every field a document lacks.
 */
export function describeIssues(error: z.ZodError, data: unknown): string[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const value = valueAt(data, issue.path);
    const where = path === '' ? '(document)' : path;
    const message = issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '');
    if (value === undefined) return `${where}: missing (${message})`;
    const found = isScalar(value) ? ` (found ${JSON.stringify(value)})` : '';
    return `${where}: ${message}${found}`;
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const text = String(part);
      if (/^[\w-]+$/.test(text)) return index === 0 ? text : `.${text}`;
      return `[${JSON.stringify(text)}]`;
    })
    .join('');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part as string];
  }
  return node;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
