import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../stack/project-paths.js';

/** Where reports land; overridable so parallel runs do not clobber each other. */
export const REPORTS_DIR = process.env.E2E_REPORTS_DIR ?? join(PROJECT_ROOT, 'reports');
const RUN_DIR = join(REPORTS_DIR, '.run');

/** Facts the global setup learns that the reporter writes into the validation report. */
export interface RunContext {
  target: 'local' | 'cluster';
  stackProvider: string;
  startedAt: string;
  config: Record<string, unknown>;
  sources: Record<string, string>;
}

export const STAGE_GATE_FILE = join(RUN_DIR, 'stage-gate.jsonl');
const CONTEXT_FILE = join(RUN_DIR, 'context.json');

/** Starts a fresh run: no stage failures remembered from the previous one. */
export function beginRun(context: RunContext): void {
  rmSync(RUN_DIR, { recursive: true, force: true });
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(CONTEXT_FILE, JSON.stringify(context, null, 2));
}

export function readRunContext(): RunContext | undefined {
  try {
    return JSON.parse(readFileSync(CONTEXT_FILE, 'utf8')) as RunContext;
  } catch {
    return undefined;
  }
}

/** What the submission stage hands to the contract stage: the run it made and how. */
export interface SubmissionHandoff {
  runId: string;
  pipelineId: string;
  versionId: string;
  experimentId: string;
  parameters: Record<string, unknown>;
  state: string;
  submittedAt?: string;
  finishedAt?: string;
  uiUrl?: string;
}

const SUBMISSION_FILE = join(RUN_DIR, 'submission.json');

export function writeSubmission(handoff: SubmissionHandoff): void {
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(SUBMISSION_FILE, JSON.stringify(handoff, null, 2));
}

export function readSubmission(): SubmissionHandoff | undefined {
  try {
    return JSON.parse(readFileSync(SUBMISSION_FILE, 'utf8')) as SubmissionHandoff;
  } catch {
    return undefined;
  }
}

/**
 * Port-forwards of the cluster target that died during the run. The global setup owns them and
 * hears of it; the specs run in other processes, so the news travels through this file.
 */
const FORWARDS_DOWN_FILE = join(RUN_DIR, 'port-forwards-down.jsonl');

export interface ForwardDown {
  key: string;
  service: string;
  namespace: string;
  reason: string;
}

export function recordForwardDown(down: ForwardDown): void {
  mkdirSync(RUN_DIR, { recursive: true });
  appendFileSync(FORWARDS_DOWN_FILE, `${JSON.stringify(down)}\n`);
}

export function readForwardsDown(): ForwardDown[] {
  try {
    return readFileSync(FORWARDS_DOWN_FILE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ForwardDown);
  } catch {
    return [];
  }
}
