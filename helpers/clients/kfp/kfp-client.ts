import { HintedError } from '../../checks/check.js';
import type { Config } from '../../config/schema.js';
import type { KfpHealthz } from '../kfp-health.js';
import { authFromConfig, type KfpAuth } from './auth.js';
import { KfpApiError } from './errors.js';
import { equals, filterJson } from './filter.js';
import {
  type CreateRunInput,
  createExperimentRequest,
  createRunRequest,
  findExperimentRequest,
  findPipelineRequest,
  getRunRequest,
  healthzRequest,
  type KfpRequest,
  type ListOptions,
  listExperimentsRequest,
  listPipelineVersionsRequest,
  listRunsRequest,
  terminateRunRequest,
  type UploadInput,
  uploadPipelineRequest,
  uploadPipelineVersionRequest,
} from './requests.js';
import type { Experiment, Page, Pipeline, PipelineVersion, Run } from './schemas.js';
import { KfpTransport, type KfpTransportOptions, type SendOptions } from './transport.js';

/**
 * The KFP v2beta1 client: pipelines (upload, versions, find by name), experiments (get or create),
 * runs (create, get, list, terminate). Thin: it sends requests and returns parsed answers; it
 * decides nothing about pass or fail.
 *
 * `namespace` is sent on pipeline upload/list, experiment create/list and run list — set it only
 * for multi-user installs (healthz `multi_user`); single-user servers want none.
 */
export type KfpClientOptions = KfpTransportOptions;

/** Names are looked up with a server-side filter and checked again here, so a server that ignores
 * the filter (or matches loosely) still yields the right object; at most this many pages are read. */
const MAX_LOOKUP_PAGES = 20;

export class KfpClient {
  readonly transport: KfpTransport;
  readonly namespace: string | undefined;

  constructor(options: KfpClientOptions) {
    this.transport = new KfpTransport(options);
    this.namespace = options.namespace;
  }

  /** `{host}{pathPrefix}`, as it may be printed. */
  get base(): string {
    return this.transport.base;
  }

  healthz(options?: SendOptions): Promise<KfpHealthz> {
    return this.transport.send(healthzRequest(), options);
  }

  /** Creates the pipeline and its first version (which the server names like the pipeline). */
  uploadPipeline(input: UploadInput, options?: SendOptions): Promise<Pipeline> {
    return this.transport.send(uploadPipelineRequest({ ...input, namespace: this.namespace }), options);
  }

  uploadPipelineVersion(input: UploadInput & { pipelineId: string }, options?: SendOptions): Promise<PipelineVersion> {
    return this.transport.send(uploadPipelineVersionRequest(input), options);
  }

  async findPipelineByName(name: string): Promise<Pipeline | undefined> {
    return this.#find(
      (pageToken) => withToken(findPipelineRequest(name, this.namespace), pageToken),
      (body) => body.pipelines,
      // Servers before KFP 2.2 know only display_name, which is the name there.
      (p) => (p.name ?? p.display_name) === name,
    );
  }

  async listPipelineVersions(pipelineId: string, options: ListOptions = {}): Promise<Page<PipelineVersion>> {
    const body = await this.transport.send(listPipelineVersionsRequest(pipelineId, options));
    return page(body.pipeline_versions, body);
  }

  async findPipelineVersionByName(pipelineId: string, name: string): Promise<PipelineVersion | undefined> {
    const request = (pageToken?: string) =>
      listPipelineVersionsRequest(pipelineId, { filter: filterJson(equals('name', name)), pageSize: 10, pageToken });
    return this.#find(
      request,
      (body) => body.pipeline_versions,
      (v) => (v.name ?? v.display_name) === name,
    );
  }

  async listExperiments(options: ListOptions = {}): Promise<Page<Experiment>> {
    const body = await this.transport.send(listExperimentsRequest({ ...options, namespace: this.namespace }));
    return page(body.experiments, body);
  }

  async findExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.#find(
      (pageToken) => withToken(findExperimentRequest(name, this.namespace), pageToken),
      (body) => body.experiments,
      (e) => e.display_name === name,
    );
  }

  createExperiment(input: { displayName: string; description?: string }, options?: SendOptions): Promise<Experiment> {
    return this.transport.send(createExperimentRequest({ ...input, namespace: this.namespace }), options);
  }

  /**
   * The experiment of this name, created when absent. A 409 means another submitter created it
   * between the lookup and the create: it is looked up again.
   */
  async getOrCreateExperiment(
    name: string,
    input: { description?: string } = {},
  ): Promise<{ experiment: Experiment; created: boolean }> {
    const found = await this.findExperimentByName(name);
    if (found) return { experiment: found, created: false };
    try {
      return { experiment: await this.createExperiment({ displayName: name, ...input }), created: true };
    } catch (error) {
      if (!(error instanceof KfpApiError) || !error.alreadyExists) throw error;
      const raced = await this.findExperimentByName(name);
      if (raced) return { experiment: raced, created: false };
      throw error;
    }
  }

  createRun(input: CreateRunInput, options?: SendOptions): Promise<Run> {
    return this.transport.send(createRunRequest(input), options);
  }

  getRun(runId: string, options?: SendOptions): Promise<Run> {
    return this.transport.send(getRunRequest(runId), options);
  }

  /** Newest first unless `sortBy` says otherwise. */
  async listRuns(options: ListOptions & { experimentId?: string } = {}): Promise<Page<Run>> {
    const body = await this.transport.send(listRunsRequest({ ...options, namespace: this.namespace }));
    return page(body.runs, body);
  }

  async terminateRun(runId: string, options?: SendOptions): Promise<void> {
    await this.transport.send(terminateRunRequest(runId), options);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  async #find<B extends { next_page_token?: string | undefined }, T>(
    request: (pageToken?: string) => KfpRequest<B>,
    items: (body: B) => T[],
    matches: (item: T) => boolean,
  ): Promise<T | undefined> {
    let pageToken: string | undefined;
    for (let i = 0; i < MAX_LOOKUP_PAGES; i++) {
      const body = await this.transport.send(request(pageToken));
      const hit = items(body).find(matches);
      if (hit) return hit;
      pageToken = body.next_page_token || undefined;
      if (!pageToken) return undefined;
    }
    return undefined;
  }
}

function withToken<R extends { query?: Record<string, string | number | undefined> }>(req: R, pageToken?: string): R {
  return pageToken ? { ...req, query: { ...req.query, page_token: pageToken } } : req;
}

function page<T>(items: T[], body: { next_page_token?: string | undefined; total_size?: number | undefined }): Page<T> {
  return {
    items,
    ...(body.next_page_token ? { nextPageToken: body.next_page_token } : {}),
    ...(body.total_size !== undefined ? { totalSize: body.total_size } : {}),
  };
}

/** A client for the configured KFP API. `namespace`: pass it for multi-user installs only. */
export function kfpClientFromConfig(
  config: Pick<Config, 'kfp' | 'timeouts'>,
  overrides: { host?: string; namespace?: string; auth?: KfpAuth } = {},
): KfpClient {
  const host = overrides.host ?? config.kfp.host;
  if (!host) throw new HintedError('no KFP API configured', 'set KFP_HOST (or kfp-e2e submit --host URL)');
  return new KfpClient({
    host,
    pathPrefix: config.kfp.pathPrefix,
    auth: overrides.auth ?? authFromConfig(config.kfp, config.timeouts),
    timeoutMs: config.timeouts.requestMs,
    ...(overrides.namespace ? { namespace: overrides.namespace } : {}),
  });
}
