import { createKubectl } from '../../../clients/kube/kubectl.js';
import { type NodeImages, nodeImages } from '../../../clients/kube/node-images.js';
import { canonicalImage, parseImageName } from '../../../clients/registry/image-name.js';
import { lookupManifest, type ManifestLookup } from '../../../clients/registry/manifest-lookup.js';
import { maskText } from '../../../config/mask.js';
import { type Check, fail, pass, skip } from '../../check.js';
import { bulletList } from '../bullet-list.js';
import { packagePathOf } from '../context.js';
import { executorImages } from '../images-pinned.js';
import { analysePackage, needSpec } from '../package-analysis.js';
import { type ClusterPreflightContext, LOCAL_TARGET_REASON } from './context.js';

/** A registry that does not answer within this is reported as "cannot be checked", not waited for. */
const REGISTRY_TIMEOUT_MS = 3000;

type Verdict =
  | { image: string; where: 'node'; nodes: string[] }
  | { image: string; where: 'registry'; lookup: ManifestLookup };

/**
 * Every executor image can be pulled by the cluster, where that can be known from here: an image
 * a node already holds (e.g. after `minikube image load`) is reachable; otherwise the registry is
 * asked for its manifest. Only a registry's clear "no such image" fails — a private image (401/403)
 * or an unreachable registry cannot be judged from outside the cluster and is reported as such.
 * A node lists at most its 50 largest images (kubelet --node-status-max-images), so "not on a node"
 * alone is never a failure either.
 */
export const imagesReachable: Check<ClusterPreflightContext> = {
  id: 'preflight.images.reachable',
  stage: 'preflight',
  title: 'every executor image is on a node or in its registry (where that can be checked)',
  async run(ctx) {
    if (ctx.config.target !== 'cluster') {
      return skip(`${LOCAL_TARGET_REASON}; the local runner executes components without pulling images`);
    }
    const analysis = analysePackage(packagePathOf(ctx));
    const ready = needSpec(analysis);
    if (!ready.ok) return ready.outcome;
    const names = [
      ...new Set(
        executorImages(ready.value.spec).images.flatMap(({ pinning }) => {
          const parsed = parseImageName(pinning.image);
          return parsed ? [canonicalImage(parsed)] : [];
        }),
      ),
    ];
    if (names.length === 0) return skip('no executor image with a fixed reference to check', { path: analysis.path });

    const { nodes, nodeNote } = await readNodeImages(ctx);
    const verdicts = await Promise.all(
      names.map(async (image): Promise<Verdict> => {
        const onNodes = nodes?.get(image);
        if (onNodes) return { image, where: 'node', nodes: onNodes };
        const parsed = parseImageName(image);
        const lookup: ManifestLookup = parsed
          ? await lookupManifest(parsed, { timeoutMs: Math.min(REGISTRY_TIMEOUT_MS, ctx.config.timeouts.requestMs) })
          : { status: 'unknown', image, detail: 'unparsable reference' };
        return { image, where: 'registry', lookup };
      }),
    );
    const evidence = {
      path: analysis.path,
      nodeImages: nodeNote,
      images: verdicts.map((v) =>
        v.where === 'node'
          ? { image: v.image, reachable: `on node ${v.nodes.join(', ')}` }
          : { image: v.image, registry: v.lookup.status, ...describe(v.lookup) },
      ),
    };
    const absent = verdicts.flatMap((v) =>
      v.where === 'registry' && v.lookup.status === 'absent'
        ? [`${v.image}: not on any node, and its registry has no such manifest (HTTP 404)`]
        : [],
    );
    if (absent.length > 0) {
      return fail(
        bulletList(
          `${absent.length} of ${names.length} executor image${names.length === 1 ? '' : 's'} cannot be pulled`,
          absent,
        ),
        'build the image and load it into the cluster (minikube: `minikube image load <image>` or `minikube image build -t <image> <dir>`), or push it to its registry',
        evidence,
      );
    }
    const judged = verdicts.filter((v) => v.where === 'node' || v.lookup.status === 'present').length;
    if (judged === 0) {
      return skip(
        `cannot be checked from here: ${nodeNote}; ${verdicts
          .map((v) => (v.where === 'registry' ? `${v.image} ${describe(v.lookup).note}` : ''))
          .filter(Boolean)
          .join('; ')}`,
        evidence,
      );
    }
    return pass(evidence);
  },
};

async function readNodeImages(ctx: ClusterPreflightContext): Promise<{ nodes?: NodeImages; nodeNote: string }> {
  if (ctx.cluster?.kube.status !== 'reachable') return { nodeNote: 'node images not read (no kube context in use)' };
  const kubectl = createKubectl({
    executable: ctx.config.cluster.kubectl,
    ...(ctx.config.cluster.kubeContext ? { context: ctx.config.cluster.kubeContext } : {}),
    timeoutMs: ctx.config.timeouts.requestMs,
  });
  try {
    const nodes = await nodeImages(kubectl);
    return { nodes, nodeNote: `${nodes.size} image names on the nodes` };
  } catch (error) {
    return { nodeNote: `node images unreadable: ${maskText((error as Error).message)}` };
  }
}

function describe(lookup: ManifestLookup): { note: string; digest?: string } {
  switch (lookup.status) {
    case 'present':
      return { note: 'in its registry', ...(lookup.digest ? { digest: lookup.digest } : {}) };
    case 'absent':
      return { note: 'not in its registry (HTTP 404)' };
    case 'denied':
      return { note: `private (HTTP ${lookup.httpStatus}): only the cluster's pull secret can tell` };
    case 'unknown':
      return { note: `registry not reachable from here (${lookup.detail})` };
  }
}
