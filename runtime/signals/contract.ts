// The one contract every incremental computation (the stateful built-ins of the language) follows:
// O(1) amortised work per observation, no allocation per observation, a value that is NaN while
// warming up, and state that can be carried across a hot-swap. tests/runtime/signals checks every
// implementation against a naive recomputation over its whole window.
import type { StatefulNode } from '../../schemas/generated/plan.js';

export interface Incremental {
  /** Takes one observation `x` made at time `tNs` (ns, non-decreasing). */
  update(x: number, tNs: number): void;
  /** Current value; NaN while not ready. */
  readonly value: number;
  readonly ready: boolean;
  /** Lets time pass without an observation (windows expire, EWMs do not change). */
  advance(tNs: number): void;
  reset(): void;
}

/** Incrementals that read two series at once (beta). */
export interface Incremental2 {
  update(x: number, y: number, tNs: number): void;
  readonly value: number;
  readonly ready: boolean;
  advance(tNs: number): void;
  reset(): void;
}

// ---- Extensions for the stateful built-ins (all additive: Incremental and Incremental2 are unchanged) ----

/** The stateful built-ins a plan can name (StatefulNode.fn in schemas/plan.schema.json). */
export type StatefulFn = StatefulNode['fn'];

/** How a built-in is fed: one series (`update(x, t)`), public trades (`trade(p, q, t)`), or two series (`update(x, y, t)`). */
export type SignalInput = 'series' | 'trades' | 'pair';

/** A number as stored in a snapshot: JSON has no NaN, so NaN is written as null. */
export type SnapshotNumber = number | null;

/**
 * A plain, JSON-able copy of one signal's state, so the engine can carry it across a plan hot-swap
 * (same StatefulNode key) or a restart. `fn`, `windowSec` and `halflifeSec` identify the computation:
 * importing a snapshot into a signal with other parameters is refused (it would be a different
 * computation). Restoring then continuing gives bit-for-bit the values of never having stopped.
 */
export interface SignalSnapshot {
  fn: StatefulFn;
  version: 1;
  windowSec?: number;
  halflifeSec?: number;
  state: { [field: string]: SnapshotNumber | SnapshotNumber[] };
}

/**
 * What every stateful built-in adds to the base contract. Rules shared by all of them (each
 * implementation's doc comment states its own definition):
 * - Time is ns (float64). A window holds the observations with time in (t − window, t], t the
 *   latest time seen via update or advance; `advance` never adds an observation.
 * - A time earlier than the latest time seen is taken as the latest time seen (times must not
 *   decrease; this keeps a violation from corrupting a window).
 * - Invalid input never throws: a non-finite value (non-positive too, where a logarithm is taken; a
 *   quantity that is not positive, for trades) is no observation, but its time still passes, as
 *   with advance; a non-finite time is ignored altogether. beta keeps the last valid mid instead.
 * - O(1) amortised work and no allocation per observation (rings grow only when a window's
 *   population reaches a new maximum).
 */
export interface StatefulCommon {
  readonly fn: StatefulFn;
  readonly input: SignalInput;
  /**
   * True when the last update (or trade) took in a new observation: for `returns` only when x
   * differed from the previous observation (a new return), for `realized_vol` when the mid was the
   * first or changed, for `beta` only when a return pair was formed; for the others whenever the
   * observation was valid.
   * False after advance, reset, import, and after an ignored (non-finite) input.
   */
  readonly ticked: boolean;
  /**
   * The documented warm-up: the number of valid observations (in the window, for windowed
   * built-ins; distinct, for returns; in successive seconds, for beta) after which `ready` is true.
   */
  readonly warmUp: number;
  /** Value while not ready: NaN, except beta (1) — documented per built-in. */
  readonly fallback: number;
  exportState(): SignalSnapshot;
  /** Replaces the state with a snapshot taken from the same computation (same fn and parameters); throws otherwise. */
  importState(snapshot: SignalSnapshot): void;
}

export interface SeriesSignal extends Incremental, StatefulCommon {
  readonly input: 'series';
}

/** Fed public trades of one market (vwap, volume, trade_rate). */
export interface TradeSignal extends StatefulCommon {
  readonly input: 'trades';
  /** Takes one public trade of `qty` at `price` made at time `tNs` (ns, non-decreasing). */
  trade(price: number, qty: number, tNs: number): void;
  readonly value: number;
  readonly ready: boolean;
  advance(tNs: number): void;
  reset(): void;
}

export interface PairSignal extends Incremental2, StatefulCommon {
  readonly input: 'pair';
}

export type StatefulSignal = SeriesSignal | TradeSignal | PairSignal;
