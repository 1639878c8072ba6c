import type { ServerResponse } from 'node:http';
import { json, type RecordedRequest, startHttpServer, type TestServer, text } from '../test-server.js';
import { errorBody, type Generation, uploadErrorBody } from './recorded.js';

/**
 * An in-memory KFP v2beta1 API for the client's behaviour tests (idempotent upload, races, the
 * run wait, the CLI end to end): the routes kfp-e2e uses, the answers' shapes of either server
 * generation, name uniqueness (409), filters on name/display_name, runs that walk through a
 * scripted list of states. Not a KFP implementation: nothing executes.
 */

export interface FakeKfpOptions {
  generation?: Generation;
  multiUser?: boolean;
  pathPrefix?: string;
  /** States successive GETs of a run report; the last one repeats. */
  runStates?: string[];
  /**
   * Fields a GET of a run adds in a given state — run_details, error — e.g. from recorded.run():
   * what a failed run reports about its tasks. None by default.
   */
  runDetails?: (state: string, runId: string) => Record<string, unknown> | undefined;
  /** Answer 401 to requests without `authorization: Bearer <token>`. */
  requireToken?: string;
  /** Behave like a server that ignores `filter` (returns every item). */
  ignoreFilters?: boolean;
  /** Page size when the request gives none (lets tests exercise paging). */
  defaultPageSize?: number;
}

interface StoredPipeline {
  pipeline_id: string;
  name: string;
  description?: string;
  namespace?: string;
  created_at: string;
}
interface StoredVersion {
  pipeline_id: string;
  pipeline_version_id: string;
  name: string;
  description?: string;
  created_at: string;
  content: string;
}
interface StoredExperiment {
  experiment_id: string;
  display_name: string;
  description?: string;
  namespace?: string;
  created_at: string;
}
interface StoredRun {
  run_id: string;
  body: Record<string, unknown>;
  polls: number;
  terminated: boolean;
}

export interface FakeKfp {
  url: string;
  requests: RecordedRequest[];
  pipelines: StoredPipeline[];
  versions: StoredVersion[];
  experiments: StoredExperiment[];
  runs: StoredRun[];
  /** Makes the next request matching `method path` (path without prefix, regex) answer this. */
  failNext(method: string, path: RegExp, status: number, body: unknown): void;
  close(): Promise<void>;
}

const API = '/apis/v2beta1';

export async function startFakeKfp(options: FakeKfpOptions = {}): Promise<FakeKfp> {
  const gen = options.generation ?? 'v2gw';
  const prefix = options.pathPrefix ?? '';
  const state = {
    pipelines: [] as StoredPipeline[],
    versions: [] as StoredVersion[],
    experiments: [] as StoredExperiment[],
    runs: [] as StoredRun[],
  };
  const failures: Array<{ method: string; path: RegExp; status: number; body: unknown }> = [];
  let counter = 0;
  let clock = Date.parse('2025-03-04T09:00:00Z');
  const nextId = (kind: string) => `${kind}-${String(++counter).padStart(4, '0')}`;
  const now = () => new Date((clock += 1000)).toISOString();

  const pipelineJson = (p: StoredPipeline) => ({
    pipeline_id: p.pipeline_id,
    display_name: p.name,
    ...(gen === 'v2gw' ? { name: p.name } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(p.namespace ? { namespace: p.namespace } : {}),
    created_at: p.created_at,
  });
  const versionJson = (v: StoredVersion) => ({
    pipeline_id: v.pipeline_id,
    pipeline_version_id: v.pipeline_version_id,
    display_name: v.name,
    ...(gen === 'v2gw' ? { name: v.name } : {}),
    ...(v.description ? { description: v.description } : {}),
    created_at: v.created_at,
  });
  const listJson = (key: string, items: unknown[], url: URL) => {
    const size = Number(url.searchParams.get('page_size') ?? options.defaultPageSize ?? 100);
    const start = Number(url.searchParams.get('page_token') ?? 0);
    const page = items.slice(start, start + size);
    const next = start + size < items.length ? String(start + size) : undefined;
    if (gen === 'v2gw' && page.length === 0) return next ? { next_page_token: next } : {};
    return { [key]: page, total_size: items.length, ...(next ? { next_page_token: next } : {}) };
  };
  const filtered = <T extends object>(items: T[], url: URL, keys: Record<string, keyof T>): T[] => {
    const raw = url.searchParams.get('filter');
    if (!raw || options.ignoreFilters) return items;
    const filter = JSON.parse(raw) as { predicates: Array<{ key: string; operation: string; string_value?: string }> };
    return items.filter((item) =>
      filter.predicates.every((p) => {
        const field = keys[p.key];
        if (field === undefined) throw Object.assign(new Error(`invalid filter key ${p.key}`), { status: 400 });
        return p.operation === 'EQUALS' && item[field] === p.string_value;
      }),
    );
  };
  const sorted = <T extends { created_at: string }>(items: T[], url: URL): T[] =>
    url.searchParams.get('sort_by') === 'created_at desc' ? [...items].reverse() : items;
  const gatewayError = (res: ServerResponse, status: number, code: number, message: string) =>
    json(res, status, errorBody(gen, code, message));

  const route = (req: RecordedRequest, res: ServerResponse) => {
    const url = new URL(req.url, 'http://fake');
    if (!url.pathname.startsWith(`${prefix}/apis/`)) return text(res, 404, '404 page not found');
    const path = url.pathname.slice(prefix.length);
    const failure = failures.findIndex((f) => f.method === req.method && f.path.test(path));
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      if (f) return typeof f.body === 'string' ? text(res, f.status, f.body) : json(res, f.status, f.body);
    }
    if (options.requireToken && req.headers.authorization !== `Bearer ${options.requireToken}`) {
      return gatewayError(res, 401, 16, 'Unauthenticated: request is not authenticated');
    }
    const namespace = url.searchParams.get('namespace') ?? undefined;
    const key = `${req.method} ${path}`;
    let match: RegExpExecArray | null;

    if (key === `GET ${API}/healthz`) {
      return json(res, 200, {
        commit_sha: 'fake',
        tag_name: gen === 'v1gw' ? '2.0.5' : '2.5.0',
        multi_user: options.multiUser ?? false,
        ...(gen === 'v2gw' ? { pipeline_store: 'database' } : {}),
      });
    }
    if (key === `GET ${API}/pipelines`) {
      const items = filtered(
        state.pipelines.filter((p) => !namespace || p.namespace === namespace),
        url,
        { name: 'name', display_name: 'name' },
      );
      return json(res, 200, listJson('pipelines', sorted(items, url).map(pipelineJson), url));
    }
    if (key === `POST ${API}/pipelines/upload`) {
      const name = url.searchParams.get('name') ?? 'pipeline';
      if (state.pipelines.some((p) => p.name === name && p.namespace === namespace)) {
        return json(res, 409, uploadErrorBody('Failed to create a pipeline and a pipeline version'));
      }
      const description = url.searchParams.get('description') ?? undefined;
      const p: StoredPipeline = {
        pipeline_id: nextId('pipeline'),
        name,
        ...(description ? { description } : {}),
        ...(namespace ? { namespace } : {}),
        created_at: now(),
      };
      state.pipelines.push(p);
      state.versions.push({
        pipeline_id: p.pipeline_id,
        pipeline_version_id: nextId('version'),
        name,
        ...(description ? { description } : {}),
        created_at: now(),
        content: multipartContent(req),
      });
      return json(res, 200, pipelineJson(p));
    }
    if (key === `POST ${API}/pipelines/upload_version`) {
      const pipelineId = url.searchParams.get('pipelineid') ?? '';
      const name = url.searchParams.get('name') ?? 'version';
      if (!state.pipelines.some((p) => p.pipeline_id === pipelineId)) {
        return json(res, 400, { error_message: 'Failed to create a pipeline version', error_details: 'no pipeline' });
      }
      if (state.versions.some((v) => v.pipeline_id === pipelineId && v.name === name)) {
        return json(res, 409, uploadErrorBody('Failed to create a pipeline version'));
      }
      const description = url.searchParams.get('description') ?? undefined;
      const v: StoredVersion = {
        pipeline_id: pipelineId,
        pipeline_version_id: nextId('version'),
        name,
        ...(description ? { description } : {}),
        created_at: now(),
        content: multipartContent(req),
      };
      state.versions.push(v);
      return json(res, 200, versionJson(v));
    }
    if (req.method === 'GET' && (match = new RegExp(`^${API}/pipelines/([^/]+)/versions$`).exec(path))) {
      const id = decodeURIComponent(match[1] ?? '');
      if (!state.pipelines.some((p) => p.pipeline_id === id)) {
        return gatewayError(res, 404, 5, `Failed to list pipeline versions: pipeline ${id} not found`);
      }
      const items = filtered(
        state.versions.filter((v) => v.pipeline_id === id),
        url,
        { name: 'name', display_name: 'name' },
      );
      return json(res, 200, listJson('pipeline_versions', sorted(items, url).map(versionJson), url));
    }
    if (key === `GET ${API}/experiments`) {
      const items = filtered(
        state.experiments.filter((e) => !namespace || e.namespace === namespace),
        url,
        { display_name: 'display_name', name: 'display_name' },
      );
      return json(res, 200, listJson('experiments', sorted(items, url), url));
    }
    if (key === `POST ${API}/experiments`) {
      const body = JSON.parse(req.body) as { display_name?: string; description?: string; namespace?: string };
      if (!body.display_name) return gatewayError(res, 400, 3, 'Invalid input error: experiment name is empty');
      if (state.experiments.some((e) => e.display_name === body.display_name && e.namespace === body.namespace)) {
        return gatewayError(res, 409, 6, `Already exist error: experiment ${body.display_name} already exists`);
      }
      const e: StoredExperiment = {
        experiment_id: nextId('experiment'),
        display_name: body.display_name,
        ...(body.description ? { description: body.description } : {}),
        ...(body.namespace ? { namespace: body.namespace } : {}),
        created_at: now(),
      };
      state.experiments.push(e);
      return json(res, 200, e);
    }
    if (key === `POST ${API}/runs`) {
      const body = JSON.parse(req.body) as Record<string, unknown>;
      const ref = body.pipeline_version_reference as { pipeline_version_id?: string } | undefined;
      if (!state.versions.some((v) => v.pipeline_version_id === ref?.pipeline_version_id)) {
        return gatewayError(res, 400, 3, 'Invalid input error: pipeline version not found');
      }
      const run: StoredRun = {
        run_id: nextId('run'),
        body: { ...body, created_at: now(), state: 'PENDING' },
        polls: 0,
        terminated: false,
      };
      state.runs.push(run);
      return json(res, 200, { run_id: run.run_id, ...run.body });
    }
    if (req.method === 'GET' && (match = new RegExp(`^${API}/runs/([^/:]+)$`).exec(path))) {
      const run = state.runs.find((r) => r.run_id === decodeURIComponent(match?.[1] ?? ''));
      if (!run) return gatewayError(res, 404, 5, `Failed to get run: run ${match[1]} not found`);
      const states = options.runStates ?? ['PENDING', 'RUNNING', 'SUCCEEDED'];
      const current = run.terminated ? 'CANCELED' : (states[Math.min(run.polls, states.length - 1)] ?? 'SUCCEEDED');
      run.polls++;
      const details = options.runDetails?.(current, run.run_id) ?? {};
      return json(res, 200, { run_id: run.run_id, ...run.body, ...details, state: current });
    }
    if (key === `GET ${API}/runs`) {
      return json(res, 200, listJson('runs', state.runs.map((r) => ({ run_id: r.run_id, ...r.body })).reverse(), url));
    }
    if (req.method === 'POST' && (match = new RegExp(`^${API}/runs/([^/:]+):terminate$`).exec(path))) {
      const run = state.runs.find((r) => r.run_id === decodeURIComponent(match?.[1] ?? ''));
      if (!run) return gatewayError(res, 404, 5, `Failed to terminate run: run ${match[1]} not found`);
      run.terminated = true;
      return json(res, 200, {});
    }
    return gen === 'v2gw'
      ? json(res, 404, { code: 5, message: 'Not Found', details: [] })
      : text(res, 404, 'Not Found');
  };

  const server: TestServer = await startHttpServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      gatewayError(res, status, status === 400 ? 3 : 13, (error as Error).message);
    }
  });
  return {
    url: server.url,
    requests: server.requests,
    ...state,
    failNext: (method, path, status, body) => failures.push({ method, path, status, body }),
    close: () => server.close(),
  };
}

/** The file part of a one-file multipart body. */
export function multipartContent(req: RecordedRequest): string {
  const boundary = /boundary=(.+)$/.exec(String(req.headers['content-type'] ?? ''))?.[1];
  if (!boundary) return '';
  const start = req.body.indexOf('\r\n\r\n');
  const end = req.body.lastIndexOf(`\r\n--${boundary}--`);
  return start >= 0 && end > start ? req.body.slice(start + 4, end) : '';
}
