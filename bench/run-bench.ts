/**
 * `npm run bench`: measures what the README promises, several runs each, min/median to
 * reports/bench.json:
 * - cold native stack start (fresh temp dirs: initdb, MinIO, MLflow's first migration);
 * - warm start (STACK_REUSE: a healthy persistent stack is found and reused);
 * - the infrastructure stage against a ready stack.
 * BENCH_ONLY=contract-stream runs only the ≥ 1 GB contract streaming part, on an ephemeral stack
 * (someone else's persistent stack is left alone), and replaces only `contractStreaming` in an
 * existing reports/bench.json, so the other series keep their figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { infrastructureChecks, infrastructureContexts } from '../helpers/checks/infrastructure/index.js';
import { runChecks } from '../helpers/cli/run-checks.js';
import { resolveConfig } from '../helpers/config/resolve.js';
import { REPORTS_DIR } from '../helpers/report/run-context.js';
import { acquireLocalStack, stopPersistentStack } from '../helpers/stack/lifecycle.js';
import { benchContractStreaming, type ContractStreamingResult } from './contract-stream.js';
import { runReferencePipeline } from './pipeline-run.js';
import { type Series, summarize, timed } from './stats.js';

const RUNS = {
  cold: Number(process.env.BENCH_COLD_RUNS ?? 3),
  warm: Number(process.env.BENCH_WARM_RUNS ?? 5),
  infra: Number(process.env.BENCH_INFRA_RUNS ?? 10),
  pipeline: Number(process.env.BENCH_PIPELINE_RUNS ?? 3),
};
const quiet = () => {};

function print(name: string, series: Series): void {
  console.log(
    `${name.padEnd(28)} min ${(series.minMs / 1000).toFixed(2)} s  median ${(series.medianMs / 1000).toFixed(2)} s  (${series.runs} runs)`,
  );
}

async function coldStart(): Promise<Series> {
  const { config } = resolveConfig({ env: { ...process.env, STACK: 'native' } });
  const samples: number[] = [];
  for (let i = 0; i < RUNS.cold; i++) {
    let release: (() => Promise<void>) | undefined;
    samples.push(
      await timed(async () => {
        release = (await acquireLocalStack(config, { persistent: false, log: quiet })).release;
      }),
    );
    await release?.();
  }
  return summarize(samples);
}

async function warmStartAndInfra(): Promise<{
  warm: Series;
  infra: Series;
  pipeline: Series;
  tasks: Record<string, Series>;
  failures: string[];
  contractStreaming: ContractStreamingResult;
}> {
  const { config } = resolveConfig({ env: { ...process.env, STACK: 'native' } });
  await stopPersistentStack();
  const first = await acquireLocalStack(config, { persistent: true, log: quiet });
  const warm: number[] = [];
  for (let i = 0; i < RUNS.warm; i++)
    warm.push(await timed(() => acquireLocalStack(config, { persistent: true, log: quiet })));
  const ready = resolveConfig({ stack: first.stack.values, env: { ...process.env, STACK: 'native' } }).config;
  const services = first.stack.services.map((s) => s.name);
  const infra: number[] = [];
  const failures = new Set<string>();
  for (let i = 0; i < RUNS.infra; i++) {
    const contexts = infrastructureContexts({ config: () => ready, services: () => services });
    infra.push(
      await timed(async () => {
        const results = await runChecks(infrastructureChecks, contexts.context(), false);
        for (const r of results) if (r.status === 'failed') failures.add(`${r.id}: ${r.error}`);
      }),
    );
    await contexts.close();
  }
  // A whole local run of the reference pipeline (default size), as the local KFP API executes it.
  const pipeline: number[] = [];
  const taskSamples: Record<string, number[]> = {};
  for (let i = 0; i < RUNS.pipeline; i++) {
    const result = await runReferencePipeline(ready, `bench-${i}`);
    pipeline.push(result.durationMs);
    for (const task of result.tasks) {
      taskSamples[task.name] ??= [];
      taskSamples[task.name]?.push(task.duration_ms ?? 0);
    }
  }
  // A ≥ 1 GB predictions CSV through the contract's streaming validator, on the same MinIO.
  const contractStreaming = await benchContractStreaming(ready);
  await stopPersistentStack();
  const tasks = Object.fromEntries(Object.entries(taskSamples).map(([name, samples]) => [name, summarize(samples)]));
  return {
    warm: summarize(warm),
    infra: summarize(infra),
    pipeline: summarize(pipeline),
    tasks,
    failures: [...failures],
    contractStreaming,
  };
}

function printStreaming(cs: ContractStreamingResult): void {
  console.log(
    `${'contract CSV streaming'.padEnd(28)} ${(cs.bytes / 1e9).toFixed(2)} GB in ${cs.seconds} s: ${cs.mbPerSecond} MB/s (disk ${cs.localDisk.mbPerSecond} MB/s), peak RSS ${cs.peakRssMb} MB`,
  );
  console.log(
    `${'  raw read, no parsing'.padEnd(28)} MinIO ${cs.rawIo.minio.mbPerSecond} MB/s, disk ${cs.rawIo.localDisk.mbPerSecond} MB/s; validation at ${Math.round(cs.shareOfRawIo.minio * 100)} % / ${Math.round(cs.shareOfRawIo.localDisk * 100)} % of them`,
  );
}

/** Only the contract streaming part: its own stack, its figures merged into bench.json. */
async function contractStreamOnly(): Promise<void> {
  const { config } = resolveConfig({ env: { ...process.env, STACK: 'native' } });
  const handle = await acquireLocalStack(config, { persistent: false, log: quiet });
  let cs: ContractStreamingResult;
  try {
    const ready = resolveConfig({ stack: handle.stack.values, env: { ...process.env, STACK: 'native' } }).config;
    cs = await benchContractStreaming(ready, { log: (line) => console.log(line) });
  } finally {
    await handle.release();
  }
  printStreaming(cs);
  const file = join(REPORTS_DIR, 'bench.json');
  const previous: Record<string, unknown> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  mkdirSync(REPORTS_DIR, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...previous, contractStreaming: cs }, null, 2)}\n`);
  console.log(`written: ${file} (contractStreaming only)`);
}

async function main(): Promise<void> {
  console.log(`kfp-e2e bench on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && only !== '') {
    if (only !== 'contract-stream')
      throw new Error(`BENCH_ONLY=${only}: expected contract-stream (or unset for everything)`);
    return contractStreamOnly();
  }
  const cold = await coldStart();
  print('cold native stack start', cold);
  const { warm, infra, pipeline, tasks, failures, contractStreaming: cs } = await warmStartAndInfra();
  print('warm (reused) stack start', warm);
  print('infrastructure stage', infra);
  print('reference pipeline run', pipeline);
  printStreaming(cs);
  if (failures.length > 0) {
    console.error(`infrastructure checks failed during the bench:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    stack: { coldStart: cold, warmStart: warm },
    infrastructureStage: infra,
    referencePipelineRun: { whole: pipeline, tasks },
    contractStreaming: cs,
  };
  mkdirSync(REPORTS_DIR, { recursive: true });
  writeFileSync(join(REPORTS_DIR, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written: ${join(REPORTS_DIR, 'bench.json')}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
