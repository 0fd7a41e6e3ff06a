// What the signal tests feed: a sequence of operations (observations of one of the three input
// kinds, or time passing), applied alike to an incremental signal and to the naive reference.
import type { StatefulFn, StatefulSignal } from '../../../runtime/signals/contract.js';

export type Op =
  /** update(x, t) of a series signal */
  | { kind: 'x'; t: number; x: number }
  /** trade(p, q, t) */
  | { kind: 'trade'; t: number; p: number; q: number }
  /** update(x, y, t) of beta */
  | { kind: 'xy'; t: number; x: number; y: number }
  /** advance(t) */
  | { kind: 'advance'; t: number };

export interface Params {
  windowSec?: number;
  halflifeSec?: number;
}

export const seriesFns = ['returns', 'ewm_mean', 'ewm_stdev', 'rolling_mean', 'rolling_stdev', 'rolling_min', 'rolling_max', 'realized_vol', 'baseline'] as const;
export const tradeFns = ['vwap', 'volume', 'trade_rate'] as const;
export const allFns: readonly StatefulFn[] = [...seriesFns, ...tradeFns, 'beta'];

export function inputOf(fn: StatefulFn): 'series' | 'trades' | 'pair' {
  if (fn === 'beta') return 'pair';
  return (tradeFns as readonly string[]).includes(fn) ? 'trades' : 'series';
}

/** The parameter a built-in reads, set to `sec`. */
export function paramsFor(fn: StatefulFn, sec: number): Params {
  if (fn === 'returns') return {};
  if (fn === 'ewm_mean' || fn === 'ewm_stdev') return { halflifeSec: sec };
  return { windowSec: sec };
}

export function apply(s: StatefulSignal, op: Op): void {
  switch (op.kind) {
    case 'advance':
      s.advance(op.t);
      return;
    case 'x':
      if (s.input !== 'series') throw new Error(`${s.fn} is not fed a series`);
      s.update(op.x, op.t);
      return;
    case 'trade':
      if (s.input !== 'trades') throw new Error(`${s.fn} is not fed trades`);
      s.trade(op.p, op.q, op.t);
      return;
    case 'xy':
      if (s.input !== 'pair') throw new Error(`${s.fn} is not fed two series`);
      s.update(op.x, op.y, op.t);
      return;
  }
}

/** Same value, bit for bit (NaN equals NaN). */
export function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
