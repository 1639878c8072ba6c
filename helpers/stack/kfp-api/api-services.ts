import type { ExperimentStore } from './experiment-store.js';
import type { ListPage } from './list-rows.js';
import type { PipelineStore } from './pipeline-store.js';
import { message } from './proto-json.js';
import type { RunExecutor } from './run-executor.js';
import type { RunStore } from './run-store.js';

/** What the route handlers work with. */
export interface ApiServices {
  pipelines: PipelineStore;
  experiments: ExperimentStore;
  runs: RunStore;
  executor: RunExecutor;
}

/** A List response: `{<items>, total_size, next_page_token}`, defaults left out as proto3 JSON does. */
export function listResponse<Row>(
  field: string,
  page: ListPage<Row>,
  toApi: (row: Row) => Record<string, unknown>,
): Record<string, unknown> {
  return message({ [field]: page.rows.map(toApi), total_size: page.totalSize, next_page_token: page.nextPageToken });
}

/** Query parameters of a List request. */
export function listQuery(query: URLSearchParams) {
  return {
    page_size: query.get('page_size') ?? undefined,
    page_token: query.get('page_token') ?? undefined,
    sort_by: query.get('sort_by') ?? undefined,
    filter: query.get('filter') ?? undefined,
  };
}
