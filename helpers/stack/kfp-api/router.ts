import type { IncomingMessage } from 'node:http';

/**
 * The route table of the local API: `METHOD /apis/v2beta1/runs/{run_id}:terminate`. A path
 * parameter never holds '/' or ':' (the custom-verb separator, as in grpc-gateway paths).
 */

export interface RequestContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** A handler answers with the JSON body of a 200, or throws an ApiError. */
export type Handler = (ctx: RequestContext) => Promise<unknown>;

/**
 * `gateway`: a grpc-gateway endpoint, errors as `{error, code, message, details}`.
 * `upload`: one of the two multipart endpoints the KFP server serves itself, errors as
 * `{error_message, error_details}`.
 */
export type ErrorStyle = 'gateway' | 'upload';

export interface Route {
  /** `*` for every method (the upload endpoints are registered so on the KFP server). */
  method: string;
  path: string;
  handler: Handler;
  errorStyle?: ErrorStyle;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

export class Router {
  readonly #routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split(/(\{[a-z_]+\})/)
        .map((part) => {
          const name = /^\{([a-z_]+)\}$/.exec(part)?.[1];
          if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/:]+)';
        })
        .join('');
      return { ...route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  match(method: string, pathname: string): RouteMatch {
    let pathMatched = false;
    for (const route of this.#routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== '*' && route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = safeDecode(found[i + 1] as string);
      });
      return { kind: 'found', route, params };
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
