// How many times the engine and backtest benchmarks run each throughput measurement.

/**
 * Runs of each throughput figure: the first ones are warm-up (JMH's warm-up iterations), during
 * which V8 is still profiling and tiering up the hot path (with runtime/v8-tuning.ts's larger
 * inlining budget, TurboFan takes two to three runs of 2M events to settle); the figure is the median of
 * the rest.
 */
export const WARM_UP_RUNS = 3;
export const MEASURED_RUNS = 5;

/** The middle value (the upper one of the two middles for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
