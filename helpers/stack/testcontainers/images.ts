import { VERSIONS } from '../topology.js';

/** The images the container stack runs; MLflow's is the base its small Dockerfile builds on. */
export interface StackImages {
  postgres: string;
  minio: string;
  mlflowBase: string;
}

/** Environment variables that replace a pinned image (a mirror, a newer patch release). */
export const IMAGE_ENV = {
  postgres: 'E2E_POSTGRES_IMAGE',
  minio: 'E2E_MINIO_IMAGE',
  mlflowBase: 'E2E_MLFLOW_IMAGE',
} as const satisfies Record<keyof StackImages, string>;

export const DEFAULT_IMAGES: StackImages = {
  postgres: VERSIONS.postgresImage,
  minio: VERSIONS.minioImage,
  mlflowBase: VERSIONS.mlflowImage,
};

/** The tag of an image reference, if any: the part after the last `:` that follows the last `/`. */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0] ?? image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

/** Pinned: a digest, or a tag that is not `latest` (an untagged reference means latest). */
export function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = imageTag(image);
  return tag !== undefined && tag !== '' && tag !== 'latest';
}

export class UnpinnedImageError extends Error {}

/**
 * The pinned images, each replaced by its environment variable when set. A floating override is
 * refused: a stack that changes under the suite between runs is what the suite exists to catch.
 */
export function resolveImages(env: NodeJS.ProcessEnv = process.env): StackImages {
  const pick = (key: keyof StackImages): string => {
    const override = env[IMAGE_ENV[key]]?.trim();
    if (!override) return DEFAULT_IMAGES[key];
    if (!isPinned(override)) {
      throw new UnpinnedImageError(
        `${IMAGE_ENV[key]}=${override} is not pinned: give a version tag or a digest (default ${DEFAULT_IMAGES[key]})`,
      );
    }
    return override;
  };
  return { postgres: pick('postgres'), minio: pick('minio'), mlflowBase: pick('mlflowBase') };
}
