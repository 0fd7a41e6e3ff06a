// The stateful built-ins of the language, made from a plan's StatefulNode: createStateful(node.fn,
// node) returns the incremental computation for that fn, typed by how it is fed (see contract.ts).
// Every one does O(1) amortised work and no allocation per observation (rings grow only while a
// window's population reaches a new maximum), and exports/imports a JSON-able snapshot for hot-swap.
import type { PairSignal, SeriesSignal, StatefulFn, StatefulSignal, TradeSignal } from './contract.js';
import { Beta } from './beta.js';
import { EwmMean, EwmStdev } from './ewm.js';
import { RealizedVol } from './realized-vol.js';
import { Returns } from './returns.js';
import { RollingExtreme, RollingMoments } from './rolling.js';
import { TradeWindow } from './trades.js';

export type * from './contract.js';
/** Any stateful built-in (the name runtime/link and the engine use). */
export type StatefulInstance = StatefulSignal;

export { Beta, EwmMean, EwmStdev, RealizedVol, Returns, RollingExtreme, RollingMoments, TradeWindow };

/** Parameters as a StatefulNode carries them (a node can be passed as is). */
export interface StatefulOptions {
  windowSec?: number;
  halflifeSec?: number;
}

/** How each built-in is fed. */
export interface SignalOf {
  returns: SeriesSignal;
  ewm_mean: SeriesSignal;
  ewm_stdev: SeriesSignal;
  rolling_mean: SeriesSignal;
  rolling_stdev: SeriesSignal;
  rolling_min: SeriesSignal;
  rolling_max: SeriesSignal;
  /** Fed the market's mid. */
  realized_vol: SeriesSignal;
  baseline: SeriesSignal;
  vwap: TradeSignal;
  volume: TradeSignal;
  trade_rate: TradeSignal;
  /** Fed the mids of a and b. */
  beta: PairSignal;
}

/** Every fn of the StatefulNode enum, in the schema's order. */
export const statefulFns = [
  'returns', 'ewm_mean', 'ewm_stdev', 'rolling_mean', 'rolling_stdev', 'rolling_min', 'rolling_max',
  'realized_vol', 'baseline', 'vwap', 'volume', 'trade_rate', 'beta',
] as const satisfies readonly StatefulFn[];

/**
 * Makes the incremental computation for `fn`. Windowed built-ins read `windowSec`, ewm_mean and
 * ewm_stdev read `halflifeSec` (baseline reads `windowSec` and uses it as its half-life); a missing
 * or non-positive one throws — the plan schema and the compiler guarantee it, so that is a bug.
 */
export function createStateful<F extends StatefulFn>(fn: F, options: StatefulOptions): SignalOf[F];
export function createStateful(fn: StatefulFn, options: StatefulOptions): StatefulSignal {
  const { windowSec = NaN, halflifeSec = NaN } = options;
  switch (fn) {
    case 'returns':
      return new Returns();
    case 'ewm_mean':
      return new EwmMean('ewm_mean', halflifeSec);
    case 'baseline':
      return new EwmMean('baseline', windowSec);
    case 'ewm_stdev':
      return new EwmStdev(halflifeSec);
    case 'rolling_mean':
    case 'rolling_stdev':
      return new RollingMoments(fn, windowSec);
    case 'rolling_min':
    case 'rolling_max':
      return new RollingExtreme(fn, windowSec);
    case 'realized_vol':
      return new RealizedVol(windowSec);
    case 'vwap':
    case 'volume':
    case 'trade_rate':
      return new TradeWindow(fn, windowSec);
    case 'beta':
      return new Beta(windowSec);
  }
}
