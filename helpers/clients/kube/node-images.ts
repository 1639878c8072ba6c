import { z } from 'zod';
import { canonicalImage, parseImageName } from '../registry/image-name.js';
import type { Kubectl } from './kubectl.js';

/** Node.status.images of `kubectl get nodes -o json`: what each kubelet already holds. */
const NodeListSchema = z.object({
  items: z.array(
    z.looseObject({
      metadata: z.looseObject({ name: z.string() }),
      status: z.looseObject({ images: z.array(z.looseObject({ names: z.array(z.string()).optional() })).optional() }),
    }),
  ),
});

/** Canonical image name → the nodes holding it (tags and digests alike, as the kubelet lists them). */
export type NodeImages = Map<string, string[]>;

export function parseNodeImages(json: string): NodeImages {
  const images: NodeImages = new Map();
  for (const node of NodeListSchema.parse(JSON.parse(json)).items) {
    for (const image of node.status.images ?? []) {
      for (const name of image.names ?? []) {
        const parsed = parseImageName(name);
        if (!parsed) continue;
        const key = canonicalImage(parsed);
        images.set(key, [...(images.get(key) ?? []), node.metadata.name]);
      }
    }
  }
  return images;
}

export async function nodeImages(kubectl: Kubectl): Promise<NodeImages> {
  return parseNodeImages(await kubectl.run(['get', 'nodes', '-o', 'json']));
}
