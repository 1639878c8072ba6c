import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedBy, recordStageFailure } from './stage-gate.js';

let dir: string;
let gate: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stage-gate-test-'));
  gate = join(dir, 'stage-gate.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stage gate', () => {
  it('blocks nothing when no gate file exists yet', () => {
    expect(blockedBy(gate, 'contract')).toBeUndefined();
  });

  it('blocks every later stage once a check failed, naming the stage and the check', () => {
    recordStageFailure(gate, 'preflight', 'preflight.config.valid');
    const reason = "skipped because stage 'preflight' failed (preflight.config.valid)";
    expect(blockedBy(gate, 'infrastructure')).toBe(reason);
    expect(blockedBy(gate, 'submission')).toBe(reason);
    expect(blockedBy(gate, 'contract')).toBe(reason);
  });

  it('does not block the stage that failed, nor an earlier one', () => {
    recordStageFailure(gate, 'infrastructure', 'infrastructure.minio.ready');
    expect(blockedBy(gate, 'infrastructure')).toBeUndefined();
    expect(blockedBy(gate, 'preflight')).toBeUndefined();
    expect(blockedBy(gate, 'submission')).toBe(
      "skipped because stage 'infrastructure' failed (infrastructure.minio.ready)",
    );
  });

  it('names the earliest failed stage when several failed', () => {
    recordStageFailure(gate, 'submission', 'submission.run.created');
    recordStageFailure(gate, 'infrastructure', 'infrastructure.postgres.ready');
    expect(blockedBy(gate, 'contract')).toBe(
      "skipped because stage 'infrastructure' failed (infrastructure.postgres.ready)",
    );
  });

  it('lists up to three failed checks of that stage and counts the rest', () => {
    for (const id of ['a', 'b', 'c', 'd', 'e'])
      recordStageFailure(gate, 'infrastructure', `infrastructure.${id}.ready`);
    expect(blockedBy(gate, 'submission')).toBe(
      "skipped because stage 'infrastructure' failed (infrastructure.a.ready, infrastructure.b.ready, infrastructure.c.ready and 2 more)",
    );
  });

  it('lists exactly three without "more"', () => {
    for (const id of ['a', 'b', 'c']) recordStageFailure(gate, 'preflight', `preflight.${id}.valid`);
    expect(blockedBy(gate, 'contract')).toBe(
      "skipped because stage 'preflight' failed (preflight.a.valid, preflight.b.valid, preflight.c.valid)",
    );
  });

  it('appends one JSON line per failure and tolerates blank lines', () => {
    recordStageFailure(gate, 'preflight', 'preflight.pipeline.format');
    appendFileSync(gate, '\n\n');
    recordStageFailure(gate, 'preflight', 'preflight.pipeline.params');
    expect(blockedBy(gate, 'infrastructure')).toBe(
      "skipped because stage 'preflight' failed (preflight.pipeline.format, preflight.pipeline.params)",
    );
  });
});
