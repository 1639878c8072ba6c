import { type CheckOutcome, skip } from '../check.js';
import { bulletList, firstLine } from './bullet-list.js';
import { detectFormat, type FormatVerdict, RECOMPILE_HINT } from './detect-format.js';
import {
  crossReferenceProblems,
  describeIssues,
  type PipelineSpec,
  PipelineSpecSchema,
  rootParameters,
} from './ir-schema.js';
import { COMPILE_COMMAND, type LoadedPackage, type LoadResult, loadPackage } from './load-package.js';

/**
 * The package checks form a chain: readable -> format -> structure. Each step runs only when the
 * one before it passed. A check whose prerequisite failed is *skipped* (not failed) with a reason
 * that names the first failed check and its error, so a broken package shows one failure — the
 * root cause — instead of a cascade. The platform-spec, image and parameter checks all need a
 * valid spec, so they depend on the structure step.
 */
export const PACKAGE_STEP_IDS = {
  readable: 'preflight.package.readable',
  format: 'preflight.package.format',
  structure: 'preflight.package.structure',
} as const;

export type StructureVerdict =
  | { ok: true; spec: PipelineSpec; evidence: Record<string, unknown> }
  | { ok: false; problems: string[]; error: string; hint: string; evidence: Record<string, unknown> };

export interface PackageAnalysis {
  path: string;
  load: LoadResult;
  /** Set when the file loaded. */
  format?: FormatVerdict;
  /** Set when the format is v2 IR. */
  structure?: StructureVerdict;
}

/** Reads the file and runs every step the previous one allows. Never throws. */
export function analysePackage(path: string): PackageAnalysis {
  const load = loadPackage(path);
  if (!load.ok) return { path, load };
  const format = detectFormat(load);
  if (!format.ok) return { path, load, format };
  return { path, load, format, structure: checkStructure(path, load.documents[0]) };
}

/** Validates the first document against the PipelineSpec schema and its cross-references. */
export function checkStructure(path: string, document: unknown): StructureVerdict {
  const parsed = PipelineSpecSchema.safeParse(document);
  const problems = parsed.success ? crossReferenceProblems(parsed.data) : describeIssues(parsed.error, document);
  if (parsed.success && problems.length === 0) {
    const spec = parsed.data;
    return {
      ok: true,
      spec,
      evidence: {
        pipelineName: spec.pipelineInfo.name,
        schemaVersion: spec.schemaVersion,
        sdkVersion: spec.sdkVersion,
        tasks: Object.keys(spec.root.dag.tasks),
        components: Object.keys(spec.components).length,
        executors: Object.keys(spec.deploymentSpec.executors).length,
        parameters: Object.keys(rootParameters(spec)),
      },
    };
  }
  const versionProblem = problems.some((p) => /^(schemaVersion|sdkVersion):/.test(p));
  const record = document as Record<string, unknown>;
  return {
    ok: false,
    problems,
    error: bulletList(
      `${path} is not a valid KFP v2 pipeline spec (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      problems,
    ),
    hint: versionProblem
      ? RECOMPILE_HINT
      : `the package is incomplete or was edited by hand: compile the pipeline again (\`${COMPILE_COMMAND}\`)`,
    evidence: { problems, schemaVersion: record.schemaVersion, sdkVersion: record.sdkVersion },
  };
}

export type Needed<T> = { ok: true; value: T } | { ok: false; outcome: CheckOutcome };

/** The loaded package for a check that needs it, or the skip outcome naming what failed first. */
export function needLoaded(analysis: PackageAnalysis): Needed<LoadedPackage> {
  if (!analysis.load.ok) return blocked(PACKAGE_STEP_IDS.readable, analysis.load.error, analysis);
  return { ok: true, value: analysis.load };
}

export function needFormat(analysis: PackageAnalysis): Needed<LoadedPackage> {
  const loaded = needLoaded(analysis);
  if (!loaded.ok) return loaded;
  if (analysis.format && !analysis.format.ok) return blocked(PACKAGE_STEP_IDS.format, analysis.format.error, analysis);
  return loaded;
}

export function needSpec(analysis: PackageAnalysis): Needed<{ spec: PipelineSpec; loaded: LoadedPackage }> {
  const loaded = needFormat(analysis);
  if (!loaded.ok) return loaded;
  const structure = analysis.structure;
  if (!structure?.ok) return blocked(PACKAGE_STEP_IDS.structure, structure?.error ?? 'not checked', analysis);
  return { ok: true, value: { spec: structure.spec, loaded: loaded.value } };
}

function blocked(checkId: string, error: string, analysis: PackageAnalysis): { ok: false; outcome: CheckOutcome } {
  return {
    ok: false,
    outcome: skip(`requires ${checkId}, which failed: ${firstLine(error)}`, {
      path: analysis.path,
      blockedBy: checkId,
    }),
  };
}
