// How many times the engine and backtest benchmarks run each throughput measurement.

/**
 * Runs of each throughput figure: the first ones are warm-up (JMH's warm-up iterations, five by
 * default there too), during which V8 is still profiling, tiering up and re-optimising the hot path;
 * the figure is the median of the rest. Three were too few for the backtest: its runs of 2M events
 * were still getting faster at the fourth and fifth (GOOG: 1.7, 2.2, 2.5, 2.5, 3.0, then 2.6–3.1M
 * events/s; docs/performance.md, "Figures"), so the median mixed tiering into the steady rate.
 */
export const WARM_UP_RUNS = 5;
export const MEASURED_RUNS = 5;

/** The middle value (the upper one of the two middles for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
