import { describe, expect, it } from 'vitest';
import { parseNodeImages } from './node-images.js';

/** The shape of `kubectl get nodes -o json` on minikube after `minikube image load` (trimmed). */
const MINIKUBE_NODES = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      metadata: { name: 'minikube' },
      status: {
        images: [
          {
            names: [
              'ghcr.io/kfp-e2e/poblesec-components@sha256:1111111111111111111111111111111111111111111111111111111111111111',
              'ghcr.io/kfp-e2e/poblesec-components:1.0.0',
            ],
            sizeBytes: 512000000,
          },
          { names: ['docker.io/library/python:3.11-slim'], sizeBytes: 130000000 },
          { sizeBytes: 1 },
        ],
      },
    },
    { metadata: { name: 'worker-2' }, status: { images: [{ names: ['python:3.11-slim'] }] } },
  ],
});

describe('parseNodeImages', () => {
  it('indexes every name of every image by its canonical form, with the nodes holding it', () => {
    const images = parseNodeImages(MINIKUBE_NODES);
    expect(images.get('ghcr.io/kfp-e2e/poblesec-components:1.0.0')).toEqual(['minikube']);
    expect(images.get('docker.io/library/python:3.11-slim')).toEqual(['minikube', 'worker-2']);
    expect(
      images.has(
        'ghcr.io/kfp-e2e/poblesec-components@sha256:1111111111111111111111111111111111111111111111111111111111111111',
      ),
    ).toBe(true);
  });

  it('rejects output that is not a node list', () => {
    expect(() => parseNodeImages('{"kind":"Status"}')).toThrow();
    expect(() => parseNodeImages('not json')).toThrow();
  });
});
