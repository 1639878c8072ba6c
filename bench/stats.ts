export interface Series {
  runs: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
  samplesMs: number[];
}

export function summarize(samples: number[]): Series {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    runs: samples.length,
    minMs: round(sorted[0] ?? 0),
    medianMs: round(median),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    samplesMs: samples.map(round),
  };
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
