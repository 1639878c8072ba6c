import { PIPELINE_SPEC_FIELDS } from './ir-schema.js';
import { COMPILE_COMMAND, type LoadedPackage } from './load-package.js';

/**
 * What kind of file a pipeline package is. Only `v2-ir` goes on to the structure check; every
 * other kind fails `preflight.package.format` with a message that names it.
 *
 * JSON decision: a JSON package is rejected, even when it holds a valid v2 PipelineSpec. The KFP v2
 * compiler deprecates JSON output and cannot write a platform spec into it (kfp/compiler/
 * pipeline_spec_builder.py: "Compiling to JSON is deprecated ..."), and the package the suite tests
 * must be the one that gets uploaded. The message says what the JSON holds and how to get the YAML.
 */
export type PackageFormat =
  | 'v2-ir'
  | 'v1-workflow'
  | 'v1-archive'
  | 'json'
  | 'pipeline-job'
  | 'kfp-manifest'
  | 'platform-spec-only'
  | 'kubernetes-manifest'
  | 'not-a-pipeline';

/** What one document looks like, before the JSON question is asked. */
export type DocumentKind = Exclude<PackageFormat, 'json' | 'v1-archive'>;

export type FormatVerdict =
  | { ok: true; format: 'v2-ir'; evidence: Record<string, unknown> }
  | {
      ok: false;
      format: Exclude<PackageFormat, 'v2-ir'>;
      error: string;
      hint: string;
      evidence: Record<string, unknown>;
    };

const V2_SDK = "pip install 'kfp>=2,<3'";
export const RECOMPILE_HINT =
  `recompile with the KFP v2 SDK: \`${V2_SDK}\`, then \`${COMPILE_COMMAND}\` ` +
  "(or `compiler.Compiler().compile(pipeline_func, package_path='pipeline.yaml')` in Python)";

export function detectFormat(loaded: LoadedPackage): FormatVerdict {
  const { path } = loaded;
  const documents = loaded.documents.length;
  if (loaded.syntax === 'archive') {
    return {
      ok: false,
      format: 'v1-archive',
      error: `${path} is a ${loaded.archive} archive, the way the KFP v1 compiler packaged pipelines (.tar.gz/.zip); a KFP v2 package is a YAML file`,
      hint: `${RECOMPILE_HINT}. v1-only APIs such as dsl.ContainerOp must be migrated first`,
      evidence: { format: 'v1-archive', archive: loaded.archive },
    };
  }
  const first = loaded.documents[0];
  const kind = classifyDocument(first);
  if (loaded.syntax === 'json') return jsonVerdict(path, kind, first);
  const evidence = { format: kind, documents, ...describeDocument(first) };
  switch (kind) {
    case 'v2-ir':
      return { ok: true, format: 'v2-ir', evidence };
    case 'v1-workflow': {
      const sdk = v1SdkVersion(first);
      return {
        ok: false,
        format: kind,
        error:
          `${path} is a KFP v1 package (an Argo Workflow: apiVersion ${String(field(first, 'apiVersion'))}, kind ${String(field(first, 'kind'))}` +
          `${sdk ? `, compiled by kfp ${sdk}` : ''}); kfp-e2e needs a KFP v2 pipeline spec (IR YAML)`,
        hint: `${RECOMPILE_HINT}. v1-only APIs such as dsl.ContainerOp must be migrated to v2 components first`,
        evidence: { ...evidence, v1SdkVersion: sdk },
      };
    }
    case 'pipeline-job':
      return {
        ok: false,
        format: kind,
        error: `${path} is a PipelineJob (pipelineSpec + runtimeConfig), as the kfp.v2 compiler of KFP SDK 1.8 wrote; kfp-e2e needs the PipelineSpec a KFP 2.x compiler writes`,
        hint: RECOMPILE_HINT,
        evidence,
      };
    case 'kfp-manifest':
      return {
        ok: false,
        format: kind,
        error: `${path} holds KFP Kubernetes resources (kind ${String(field(first, 'kind'))}), written by \`kfp dsl compile --kubernetes-manifest-format\`; kfp-e2e needs the plain pipeline spec YAML`,
        hint: `compile without --kubernetes-manifest-format: \`${COMPILE_COMMAND}\``,
        evidence,
      };
    case 'platform-spec-only':
      return {
        ok: false,
        format: kind,
        error: `${path} holds only a platform spec (platforms:); the PipelineSpec document that must come first is missing`,
        hint: `compile the pipeline again so the file has both documents: \`${COMPILE_COMMAND}\``,
        evidence,
      };
    case 'kubernetes-manifest':
      return {
        ok: false,
        format: kind,
        error: `${path} is a Kubernetes ${String(field(first, 'kind'))} manifest (apiVersion ${String(field(first, 'apiVersion'))}), not a pipeline package`,
        hint: `point PIPELINE_PACKAGE (or --pipeline) at the compiled pipeline YAML: \`${COMPILE_COMMAND}\``,
        evidence,
      };
    case 'not-a-pipeline':
      return {
        ok: false,
        format: kind,
        error: `${path} is not a KFP pipeline package: ${notAPipelineReason(first)}`,
        hint: `point PIPELINE_PACKAGE (or --pipeline) at the compiled pipeline YAML: \`${COMPILE_COMMAND}\``,
        evidence: { ...evidence, missing: [...PIPELINE_SPEC_FIELDS] },
      };
  }
}

/** Tells apart the documents a user is likely to hand in by mistake. Pure; never throws. */
export function classifyDocument(document: unknown): DocumentKind {
  if (!isMapping(document)) return 'not-a-pipeline';
  const apiVersion = typeof document.apiVersion === 'string' ? document.apiVersion : undefined;
  if (apiVersion?.startsWith('argoproj.io/') || (document.kind === 'Workflow' && isMapping(document.spec)))
    return 'v1-workflow';
  if (apiVersion?.startsWith('pipelines.kubeflow.org/')) return 'kfp-manifest';
  if ('pipelineSpec' in document && !PIPELINE_SPEC_FIELDS.some((f) => f in document)) return 'pipeline-job';
  if (PIPELINE_SPEC_FIELDS.some((f) => f in document)) return 'v2-ir';
  if ('platforms' in document) return 'platform-spec-only';
  if (apiVersion !== undefined && typeof document.kind === 'string') return 'kubernetes-manifest';
  return 'not-a-pipeline';
}

function jsonVerdict(path: string, kind: DocumentKind, document: unknown): FormatVerdict {
  const evidence = { format: 'json', content: kind, ...describeDocument(document) };
  const holds: Record<DocumentKind, string> = {
    'v2-ir': 'a KFP v2 pipeline spec',
    'v1-workflow': 'a KFP v1 Argo Workflow',
    'pipeline-job': 'a KFP SDK 1.8 PipelineJob',
    'kfp-manifest': 'KFP Kubernetes resources',
    'platform-spec-only': 'only a platform spec',
    'kubernetes-manifest': 'a Kubernetes manifest',
    'not-a-pipeline': 'no KFP pipeline',
  };
  const why =
    kind === 'v2-ir'
      ? 'kfp-e2e tests the YAML package a KFP 2.x compiler writes (its JSON output is deprecated and cannot carry a platform spec)'
      : 'kfp-e2e needs the KFP v2 pipeline spec as YAML';
  return {
    ok: false,
    format: 'json',
    error: `${path} is a JSON package holding ${holds[kind]}; ${why}`,
    hint: kind === 'v2-ir' ? `compile to a .yaml path instead of .json: \`${COMPILE_COMMAND}\`` : RECOMPILE_HINT,
    evidence,
  };
}

function notAPipelineReason(document: unknown): string {
  if (Array.isArray(document)) return 'its top level is a list, but a pipeline spec is a mapping';
  if (!isMapping(document))
    return `its top level is a ${document === null ? 'null' : typeof document} value, but a pipeline spec is a mapping`;
  const keys = Object.keys(document);
  const found =
    keys.length === 0 ? 'none' : keys.slice(0, 10).join(', ') + (keys.length > 10 ? `, … (${keys.length} keys)` : '');
  return `none of the KFP v2 PipelineSpec fields is present (missing: ${PIPELINE_SPEC_FIELDS.join(', ')}); top-level keys found: ${found}`;
}

function describeDocument(document: unknown): Record<string, unknown> {
  if (!isMapping(document)) return { topLevel: Array.isArray(document) ? 'list' : typeof document };
  return { topLevelKeys: Object.keys(document).slice(0, 20) };
}

function v1SdkVersion(document: unknown): string | undefined {
  const annotations = field(field(document, 'metadata'), 'annotations');
  const version = field(annotations, 'pipelines.kubeflow.org/kfp_sdk_version');
  return typeof version === 'string' ? version : undefined;
}

function field(value: unknown, key: string): unknown {
  return isMapping(value) ? value[key] : undefined;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
