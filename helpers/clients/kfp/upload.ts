import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { HintedError } from '../../checks/check.js';
import { contentSha256, hashDescription, versionHasContent, versionNameFor } from './content-hash.js';
import { KfpApiError } from './errors.js';
import type { KfpClient } from './kfp-client.js';
import type { Pipeline, PipelineVersion } from './schemas.js';

/**
 * Upload a pipeline package only when KFP does not have it yet (see content-hash.ts for how a
 * version is recognised). Running the suite twice with the same package creates nothing new.
 */

export interface EnsureVersionInput {
  /** The pipeline's name in KFP. */
  name: string;
  /** Either a path to the package … */
  packagePath?: string;
  /** … or its bytes. */
  content?: Uint8Array;
  /** Sent as the upload's file name; the server picks the parser by its extension. */
  filename?: string;
}

export type EnsureReason = 'new pipeline' | 'content changed' | 'same content' | 'same content (uploaded concurrently)';

export interface EnsuredVersion {
  pipeline: Pipeline;
  version: PipelineVersion;
  /** A new version was uploaded. */
  created: boolean;
  /** The pipeline itself was new. */
  pipelineCreated: boolean;
  sha256: string;
  reason: EnsureReason;
}

/** How many of the newest versions are searched for a recorded hash when the name lookup misses. */
const RECENT_VERSIONS = 20;

export async function ensurePipelineVersion(client: KfpClient, input: EnsureVersionInput): Promise<EnsuredVersion> {
  const { content, filename } = packageBytes(input);
  const sha256 = contentSha256(content);
  const description = hashDescription(sha256);

  let pipeline = await client.findPipelineByName(input.name);
  if (!pipeline) {
    try {
      pipeline = await client.uploadPipeline({ name: input.name, description, content, filename });
      const version = await latestVersion(client, pipeline);
      return { pipeline, version, created: true, pipelineCreated: true, sha256, reason: 'new pipeline' };
    } catch (error) {
      // Another submitter created the pipeline since the lookup: continue as if it had been there.
      if (!(error instanceof KfpApiError) || !error.alreadyExists) throw error;
      pipeline = await client.findPipelineByName(input.name);
      if (!pipeline) throw error;
    }
  }

  const versionName = versionNameFor(input.name, sha256);
  const existing = await findVersionWithContent(client, pipeline, input.name, sha256);
  if (existing)
    return { pipeline, version: existing, created: false, pipelineCreated: false, sha256, reason: 'same content' };
  try {
    const version = await client.uploadPipelineVersion({
      pipelineId: pipeline.pipeline_id,
      name: versionName,
      description,
      content,
      filename,
    });
    return { pipeline, version, created: true, pipelineCreated: false, sha256, reason: 'content changed' };
  } catch (error) {
    if (!(error instanceof KfpApiError) || !error.alreadyExists) throw error;
    const raced = await client.findPipelineVersionByName(pipeline.pipeline_id, versionName);
    if (!raced) throw error;
    return {
      pipeline,
      version: raced,
      created: false,
      pipelineCreated: false,
      sha256,
      reason: 'same content (uploaded concurrently)',
    };
  }
}

/** By the hash-suffixed name first (any age), then by a recorded hash among the newest versions. */
async function findVersionWithContent(
  client: KfpClient,
  pipeline: Pipeline,
  pipelineName: string,
  sha256: string,
): Promise<PipelineVersion | undefined> {
  const byName = await client.findPipelineVersionByName(pipeline.pipeline_id, versionNameFor(pipelineName, sha256));
  if (byName && versionHasContent(byName, pipelineName, sha256)) return byName;
  const recent = await client.listPipelineVersions(pipeline.pipeline_id, {
    sortBy: 'created_at desc',
    pageSize: RECENT_VERSIONS,
  });
  return recent.items.find((v) => versionHasContent(v, pipelineName, sha256));
}

async function latestVersion(client: KfpClient, pipeline: Pipeline): Promise<PipelineVersion> {
  const { items } = await client.listPipelineVersions(pipeline.pipeline_id, { sortBy: 'created_at desc', pageSize: 1 });
  const version = items[0];
  if (!version) {
    throw new HintedError(
      `KFP pipeline ${pipeline.pipeline_id}: expected the version created by the upload, saw no versions`,
      'the server created the pipeline without a version — check the API server log; delete the empty pipeline and submit again',
    );
  }
  return version;
}

function packageBytes(input: EnsureVersionInput): { content: Uint8Array; filename: string } {
  if (input.content) return { content: input.content, filename: input.filename ?? 'pipeline.yaml' };
  if (!input.packagePath) throw new Error('ensurePipelineVersion: give packagePath or content');
  try {
    return { content: readFileSync(input.packagePath), filename: input.filename ?? basename(input.packagePath) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new HintedError(
      `pipeline package ${input.packagePath}: expected a readable file, saw ${code}`,
      'check --pipeline / PIPELINE_PACKAGE, or compile the pipeline first (kfp-e2e submit --compile)',
    );
  }
}
