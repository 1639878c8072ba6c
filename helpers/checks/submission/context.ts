import type { KfpClient } from '../../clients/kfp/kfp-client.js';
import type { Run } from '../../clients/kfp/schemas.js';
import type { SubmitPlan } from '../../clients/kfp/submit-run.js';
import type { Config } from '../../config/schema.js';

/** What one submission learns step by step; each check reads what the ones before it recorded. */
export interface SubmissionSession {
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
  client: KfpClient;
  /** What to submit: package bytes, names, typed runtime parameters (as `kfp-e2e submit` builds it). */
  plan: SubmitPlan;
  session: SubmissionSession;
  /** Progress lines while waiting for the run. */
  log: (line: string) => void;
}
