import { createHash } from 'node:crypto';
import type { PipelineVersion } from './schemas.js';

/**
 * How kfp-e2e recognises a pipeline version it uploaded before: by the sha256 of the package bytes.
 *
 * - The version NAME is `<pipeline>-<first 12 hex of the sha256>`. Names are always stored (by
 *   every server generation, and by the Kubernetes pipeline store), can be looked up with a
 *   `name EQUALS` filter, and are unique per pipeline — so two submitters racing with the same
 *   package get one version and a 409, which the second one resolves by looking the name up.
 * - The version DESCRIPTION also carries `kfp-e2e:sha256=<full hex>`. It is what identifies the
 *   first version, which the upload call names like the pipeline itself; the upload passes the
 *   description to both the pipeline and that first version.
 */
export const HASH_MARKER = 'kfp-e2e:sha256=';
const SHORT = 12;
/** KFP rejects longer names; room is left for the hash suffix. */
const MAX_NAME = 128;

export function contentSha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export function versionNameFor(pipelineName: string, sha256: string): string {
  const suffix = `-${sha256.slice(0, SHORT)}`;
  return `${pipelineName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

export function hashDescription(sha256: string): string {
  return `${HASH_MARKER}${sha256}`;
}

/** The full sha256 a description records, if any. */
export function recordedSha256(description: string | undefined): string | undefined {
  const match = description ? /kfp-e2e:sha256=([0-9a-f]{64})/.exec(description) : null;
  return match?.[1];
}

/** Whether a version holds this content: its description says so, or (without one) its name does. */
export function versionHasContent(version: PipelineVersion, pipelineName: string, sha256: string): boolean {
  const recorded = recordedSha256(version.description);
  if (recorded) return recorded === sha256;
  return (version.name ?? version.display_name) === versionNameFor(pipelineName, sha256);
}
