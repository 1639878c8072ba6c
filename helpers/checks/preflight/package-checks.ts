import { type Check, fail, pass, skip } from '../check.js';
import { bulletList } from './bullet-list.js';
import { type PreflightContext, packagePathOf } from './context.js';
import { describeIssues, PlatformSpecSchema } from './ir-schema.js';
import { COMPILE_COMMAND } from './load-package.js';
import { analysePackage, needFormat, needLoaded, needSpec, PACKAGE_STEP_IDS } from './package-analysis.js';

type PackageContext = Pick<PreflightContext, 'packagePath' | 'projectRoot'>;

export const packageReadable: Check<PackageContext> = {
  id: PACKAGE_STEP_IDS.readable,
  stage: 'preflight',
  title: 'pipeline package exists and parses',
  run(ctx) {
    const analysis = analysePackage(packagePathOf(ctx));
    const { load } = analysis;
    if (!load.ok) return fail(load.error, load.hint, load.evidence);
    return pass({ path: load.path, bytes: load.bytes, syntax: load.syntax, documents: load.documents.length });
  },
};

export const packageFormat: Check<PackageContext> = {
  id: PACKAGE_STEP_IDS.format,
  stage: 'preflight',
  title: 'pipeline package is KFP v2 IR YAML (not a v1 Argo workflow, not JSON)',
  run(ctx) {
    const analysis = analysePackage(packagePathOf(ctx));
    const loaded = needLoaded(analysis);
    if (!loaded.ok) return loaded.outcome;
    const format = analysis.format;
    if (!format) return fail('format was not detected', undefined, { path: analysis.path });
    if (!format.ok) return fail(format.error, format.hint, { path: analysis.path, ...format.evidence });
    return pass({ path: analysis.path, ...format.evidence });
  },
};

export const packageStructure: Check<PackageContext> = {
  id: PACKAGE_STEP_IDS.structure,
  stage: 'preflight',
  title: 'pipeline spec has valid KFP v2 PipelineSpec fields',
  run(ctx) {
    const analysis = analysePackage(packagePathOf(ctx));
    const ready = needFormat(analysis);
    if (!ready.ok) return ready.outcome;
    const structure = analysis.structure;
    if (!structure) return fail('structure was not checked', undefined, { path: analysis.path });
    if (!structure.ok) return fail(structure.error, structure.hint, { path: analysis.path, ...structure.evidence });
    return pass({ path: analysis.path, ...structure.evidence });
  },
};

/**
 * The optional second document. Absent: skipped (nothing to validate; the compiler writes one
 * only for platform features such as kfp-kubernetes settings). Present: a mapping with
 * `platforms`, whose executor settings name executors the pipeline spec defines.
 */
export const packagePlatformSpec: Check<PackageContext> = {
  id: 'preflight.package.platform-spec',
  stage: 'preflight',
  title: 'platform spec document, when present, is valid',
  run(ctx) {
    const analysis = analysePackage(packagePathOf(ctx));
    const ready = needSpec(analysis);
    if (!ready.ok) return ready.outcome;
    const { spec, loaded } = ready.value;
    const extra = loaded.documents.slice(1);
    const path = analysis.path;
    if (extra.length === 0) {
      return skip(
        'the package has no platform-spec document (optional: written only for platform features such as kfp-kubernetes)',
        {
          path,
          present: false,
        },
      );
    }
    const hint = `compile the pipeline again (\`${COMPILE_COMMAND}\`); the compiler writes the pipeline spec and at most one platform spec`;
    if (extra.length > 1) {
      return fail(
        `${path} has ${loaded.documents.length} YAML documents; a KFP v2 package has the pipeline spec and at most one platform-spec document`,
        hint,
        { path, documents: loaded.documents.length },
      );
    }
    const document = extra[0];
    const parsed = PlatformSpecSchema.safeParse(document);
    if (!parsed.success) {
      const problems = describeIssues(parsed.error, document);
      return fail(bulletList(`${path}: the second document is not a valid platform spec`, problems), hint, {
        path,
        problems,
      });
    }
    const executors = Object.keys(spec.deploymentSpec.executors);
    const problems: string[] = [];
    const byPlatform: Record<string, string[]> = {};
    for (const [platform, settings] of Object.entries(parsed.data.platforms)) {
      const labels = Object.keys(settings.deploymentSpec?.executors ?? {});
      byPlatform[platform] = labels;
      for (const label of labels.filter((l) => !executors.includes(l))) {
        problems.push(
          `platforms.${platform}.deploymentSpec.executors.${label}: no executor "${label}" in the pipeline spec (it has: ${executors.join(', ')})`,
        );
      }
    }
    if (problems.length > 0) {
      return fail(
        bulletList(`${path}: the platform spec configures executors the pipeline does not have`, problems),
        hint,
        {
          path,
          problems,
        },
      );
    }
    return pass({ path, present: true, platforms: Object.keys(parsed.data.platforms), executors: byPlatform });
  },
};
