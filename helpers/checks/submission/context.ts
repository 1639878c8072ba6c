import type { KfpClient } from '../../clients/kfp/kfp-client.js';
import type { Run } from '../../clients/kfp/schemas.js';
import type { SubmitPlan } from '../../clients/kfp/submit-run.js';
import type { Kubectl } from '../../clients/kube/kubectl.js';
import type { ConfigSource } from '../../config/config-error.js';
import type { Config } from '../../config/schema.js';

/** What one submission learns step by step; each check reads what the ones before it recorded. */
export interface SubmissionSession {
  /** healthz answered and, on a multi-user server, a profile namespace was given: submitting may start. */
  apiReady?: boolean;
  /** healthz said multi-user: the namespaced client every later step uses. */
  client?: KfpClient;
  pipelineId?: string;
  versionId?: string;
  experimentId?: string;
  runId?: string;
  /** The run in its terminal state. */
  run?: Run;
  submittedAt?: string;
  finishedAt?: string;
}

export interface SubmissionContext {
  config: Config;
  /**
   * Where each config value came from (ResolvedConfig.sources): tells a namespace the user chose
   * from the preset's default. Without it, every value counts as given.
   */
  sources?: Record<string, ConfigSource>;
  /** kubectl for the pods of a failed run (cluster target); built from config.cluster when absent. */
  kubectl?: Kubectl;
  client: KfpClient;
  /** What to submit: package bytes, names, typed runtime parameters (as `kfp-e2e submit` builds it). */
  plan: SubmitPlan;
  session: SubmissionSession;
  /** Progress lines while waiting for the run. */
  log: (line: string) => void;
}
