/** A duration for progress lines: `7.9 s`. One decimal is what a person reads from a start-up log. */
export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
