import { z } from 'zod';

/**
 * The contract: what a successful run leaves behind, declared once per system (YAML or JSON).
 * Strings may use templates over the run: {dataset}, {identifier}, {run_id} and
 * {buckets.<name>} (the configured bucket names, e.g. {buckets.models}).
 */

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'expected a short name: lower-case letters, digits, hyphens');

/** `< 6.0`, `<= 6`, `> 0`, `>= 0.5`, `== 3`: a bound on a number. */
export const ComparisonSchema = z
  .string()
  .regex(/^\s*(<=|>=|<|>|==)\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/, 'expected a comparison such as "< 6.0" or ">= 0.5"');

/** A JSON value's expected type, or a nested object of them. */
export type JsonTypeSpec =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'object'
  | 'array'
  | 'null'
  | { [field: string]: JsonTypeSpec };
export const JsonTypeSpecSchema: z.ZodType<JsonTypeSpec> = z.lazy(() =>
  z.union([
    z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']),
    z.record(z.string(), JsonTypeSpecSchema),
  ]),
);

/** Required fields of a JSON document and their types (nested objects allowed). */
export const JsonShapeSchema = z.strictObject({ required: z.record(z.string(), JsonTypeSpecSchema) });

export const CsvColumnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['string', 'number', 'integer', 'timestamp', 'boolean']),
  /** Empty cells (and NaN for numbers) allowed; default false. */
  nullable: z.boolean().default(false),
  min: z.number().optional(),
  max: z.number().optional(),
  /** The column's values must all be equal to this template (e.g. "{model_version}"). */
  equals: z.string().optional(),
});

const ObjectBase = {
  name,
  bucket: z.string().min(1),
  key: z.string().min(1),
};

export const CsvObjectSchema = z.strictObject({
  ...ObjectBase,
  format: z.literal('csv'),
  columns: z.array(CsvColumnSchema).min(1),
  rows: z
    .strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().positive().optional() })
    .optional(),
});

export const JsonObjectSchema = z.strictObject({
  ...ObjectBase,
  format: z.literal('json'),
  schema: JsonShapeSchema,
});

export const ObjectClauseSchema = z.discriminatedUnion('format', [CsvObjectSchema, JsonObjectSchema]);

export const ContractSchema = z.strictObject({
  version: z.literal(1),
  /** The promotion pointer: the object that names the promoted model (cross-checks start there). */
  pointer: z.strictObject({ object: name }).optional(),
  kfp: z
    .strictObject({
      state: z.enum(['SUCCEEDED']).default('SUCCEEDED'),
      /** Tasks (display names) that must be present and SUCCEEDED. */
      tasks: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  objects: z.array(ObjectClauseSchema).default([]),
  mlflow: z
    .strictObject({
      experiment: z.string().min(1),
      run: z.strictObject({
        status: z.enum(['FINISHED']).default('FINISHED'),
        params: z.array(z.string().min(1)).default([]),
        metrics: z.record(z.string(), ComparisonSchema).default({}),
      }),
      registeredModel: z.string().min(1).optional(),
      alias: z.string().min(1).optional(),
    })
    .optional(),
  gateway: z
    .strictObject({
      health: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
      predict: z
        .strictObject({
          request: z.record(z.string(), z.unknown()),
          response: JsonShapeSchema,
        })
        .optional(),
      latency: z.strictObject({ requests: z.number().int().min(5).max(1000), p95Ms: z.number().positive() }).optional(),
    })
    .optional(),
});

export type Contract = z.infer<typeof ContractSchema>;
export type ObjectClause = z.infer<typeof ObjectClauseSchema>;
export type CsvColumn = z.infer<typeof CsvColumnSchema>;
export type JsonShape = z.infer<typeof JsonShapeSchema>;
