import { stringify } from 'yaml';
import { firstLine } from '../../checks/preflight/bullet-list.js';
import { detectFormat, isMapping } from '../../checks/preflight/detect-format.js';
import type { PipelineSpec } from '../../checks/preflight/ir-schema.js';
import { parsePackage } from '../../checks/preflight/load-package.js';
import { checkStructure } from '../../checks/preflight/package-analysis.js';
import { invalidArgument } from './grpc-status.js';

/**
 * A pipeline package as the local API keeps it: the text the runner executes, the parsed spec,
 * and `pipeline_spec` as the API returns it (a Struct: the IR itself, or `{pipeline_spec,
 * platform_spec}` when the package has a platform document, as the KFP server does).
 *
 * Validation reuses the preflight modules. JSON IR is accepted here (the KFP server accepts it);
 * a KFP v1 Argo workflow or a v1 archive is refused: the local runner cannot execute it.
 */
export interface PipelinePackage {
  text: string;
  spec: PipelineSpec;
  pipelineSpec: Record<string, unknown>;
}

/** What the KFP server requires of pipelineInfo.name (template validation). */
const PIPELINE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const MAX_PIPELINE_NAME = 128;

export function parsePipelinePackage(bytes: Uint8Array, filename: string): PipelinePackage {
  const load = parsePackage(bytes, filename);
  if (!load.ok) throw invalidArgument(firstLine(load.error), `${load.error}\n${load.hint}`);
  const format = detectFormat(load);
  const jsonV2 = !format.ok && format.format === 'json' && format.evidence.content === 'v2-ir';
  if (!format.ok && !jsonV2) {
    throw invalidArgument(
      `invalid pipeline package ${filename}: ${firstLine(format.error)}`,
      `${format.error}\n${format.hint}`,
    );
  }
  return fromDocuments(
    load.documents,
    filename,
    load.syntax === 'json' ? undefined : Buffer.from(bytes).toString('utf8'),
  );
}

/** A run's inline `pipeline_spec` Struct: the IR itself or `{pipeline_spec, platform_spec}`. */
export function parsePipelineSpecStruct(struct: Record<string, unknown>): PipelinePackage {
  const wrapped = isMapping(struct.pipeline_spec);
  const documents = wrapped
    ? [struct.pipeline_spec, ...(isMapping(struct.platform_spec) ? [struct.platform_spec] : [])]
    : [struct];
  return fromDocuments(documents, 'pipeline_spec', undefined);
}

function fromDocuments(documents: unknown[], origin: string, text: string | undefined): PipelinePackage {
  const [first, ...rest] = documents;
  const structure = checkStructure(origin, first);
  if (!structure.ok) throw invalidArgument(firstLine(structure.error), `${structure.error}\n${structure.hint}`);
  const name = structure.spec.pipelineInfo.name;
  if (!PIPELINE_NAME.test(name) || name.length > MAX_PIPELINE_NAME) {
    throw invalidArgument(
      `invalid v2 pipeline spec: pipeline's name must contain only lowercase alphanumeric characters or '-', start with one, and have at most ${MAX_PIPELINE_NAME} characters, got ${JSON.stringify(name)}`,
    );
  }
  const platform = rest.find((doc) => isMapping(doc) && 'platforms' in doc);
  const pipelineSpec = (platform ? { pipeline_spec: first, platform_spec: platform } : first) as Record<
    string,
    unknown
  >;
  // The runner reads YAML documents; JSON and structs are written out as YAML.
  const runnerText = text ?? documents.map((doc) => stringify(doc)).join('---\n');
  return { text: runnerText, spec: structure.spec, pipelineSpec };
}
