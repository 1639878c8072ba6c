import { type Check, fail, pass, skip } from '../check.js';
import { bulletList } from './bullet-list.js';
import { type PreflightContext, packagePathOf } from './context.js';
import { type ImagePinning, imagePinning } from './image-ref.js';
import type { PipelineSpec } from './ir-schema.js';
import { analysePackage, needSpec } from './package-analysis.js';

export interface ExecutorImage {
  executor: string;
  pinning: ImagePinning;
}

/** The image of every container executor; importer and resolver executors run none. */
export function executorImages(spec: PipelineSpec): { images: ExecutorImage[]; withoutContainer: string[] } {
  const images: ExecutorImage[] = [];
  const withoutContainer: string[] = [];
  for (const [executor, definition] of Object.entries(spec.deploymentSpec.executors)) {
    if (definition.container) images.push({ executor, pinning: imagePinning(definition.container.image) });
    else withoutContainer.push(executor);
  }
  return { images, withoutContainer };
}

/**
 * Severity comes from `pipeline.imagePinning`: `error` fails on an unpinned image, `warn` passes
 * with `warnings` in the evidence, `off` skips (checked first: a disabled check has nothing to
 * wait for).
 */
export const imagesPinned: Check<Pick<PreflightContext, 'config' | 'packagePath' | 'projectRoot'>> = {
  id: 'preflight.images.pinned',
  stage: 'preflight',
  title: 'every executor image is pinned to a tag or digest (not latest)',
  run(ctx) {
    const severity = ctx.config.pipeline.imagePinning;
    if (severity === 'off')
      return skip('image pinning is off (pipeline.imagePinning / IMAGE_PINNING = off)', { severity });
    const analysis = analysePackage(packagePathOf(ctx));
    const ready = needSpec(analysis);
    if (!ready.ok) return ready.outcome;
    const { images, withoutContainer } = executorImages(ready.value.spec);
    const lines = images.flatMap(({ executor, pinning }) =>
      pinning.pinned ? [] : [`${executor}: ${pinning.image || '(none)'} (${pinning.reason})`],
    );
    const evidence = {
      path: analysis.path,
      severity,
      images: images.map((i) => ({ executor: i.executor, ...i.pinning })),
      ...(withoutContainer.length > 0 ? { executorsWithoutImage: withoutContainer } : {}),
    };
    if (lines.length === 0) return pass(evidence);
    if (severity === 'warn') return pass({ ...evidence, warnings: lines.map((line) => `unpinned image: ${line}`) });
    return fail(
      bulletList(
        `${lines.length} of ${images.length} executor image${images.length === 1 ? ' is' : 's are'} not pinned`,
        lines,
      ),
      'pin each image to a version tag or a digest (name@sha256:...) where the component sets it (base_image / image), then recompile; ' +
        'or set IMAGE_PINNING=warn to report without failing',
      evidence,
    );
  },
};
