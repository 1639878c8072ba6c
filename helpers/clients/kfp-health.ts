import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { displayUrl, joinUrl } from './endpoint.js';
import type { HttpClient, HttpResponse } from './http.js';
import { authHeaders, hasToken } from './kfp/auth.js';

/**
 * GetHealthzResponse of the KFP API (backend/api/v2beta1/healthz.proto). Every field is optional:
 * proto3 JSON leaves out default values (multi_user false), current releases send only
 * multi_user (and pipeline_store), older ones also commit_sha and tag_name.
 */
export const KfpHealthzSchema = z.looseObject({
  commit_sha: z.string().optional(),
  tag_name: z.string().optional(),
  multi_user: z.boolean().optional(),
  /** Where pipelines are stored: database or kubernetes. */
  pipeline_store: z.string().optional(),
});
export type KfpHealthz = z.infer<typeof KfpHealthzSchema>;

export type KfpSettings = Pick<
  Config['kfp'],
  'pathPrefix' | 'token' | 'tokenFile' | 'tokenCommand' | 'userIdHeader' | 'userId'
> & {
  host: string;
};

export const KFP_HEALTHZ_PATH = '/apis/v2beta1/healthz';

/** The KFP API's health endpoint, with the same authentication headers the full KFP client will send. */
export class KfpHealthClient {
  /** `{host}{pathPrefix}`, as it may be printed. */
  readonly endpoint: string;
  readonly #http: HttpClient;
  readonly #settings: KfpSettings;
  readonly #base: string;

  constructor(http: HttpClient, settings: KfpSettings) {
    this.#http = http;
    this.#settings = settings;
    this.#base = joinUrl(settings.host, settings.pathPrefix);
    this.endpoint = displayUrl(this.#base);
  }

  /** GET {host}{pathPrefix}/apis/v2beta1/healthz. */
  async healthz(options: { timeoutMs?: number } = {}): Promise<HttpResponse<KfpHealthz>> {
    return this.#http.getJson(joinUrl(this.#base, KFP_HEALTHZ_PATH), {
      schema: KfpHealthzSchema,
      expected: 'a KFP v2beta1 healthz answer',
      headers: kfpHeaders(this.#settings),
      hints: {
        credentials: hasToken(this.#settings)
          ? 'the KFP API rejected the token — check KFP_TOKEN / KFP_TOKEN_FILE / KFP_TOKEN_COMMAND (a token made for another audience is refused: --audience pipelines.kubeflow.org), and KFP_USER_ID in multi-user mode'
          : 'the KFP API requires authentication — set KFP_TOKEN, KFP_TOKEN_FILE or KFP_TOKEN_COMMAND',
        notFound:
          'no KFP v2beta1 API at this path — behind the Kubeflow ingress set KFP_PATH_PREFIX=/pipeline; a KFP older than 2.0 has no v2beta1',
      },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }
}

/** Authorization and user-identity headers for the KFP API: the same as the KFP client sends. */
export function kfpHeaders(settings: KfpSettings): Record<string, string> {
  return authHeaders(settings);
}
