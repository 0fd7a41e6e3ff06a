// Naive references: each recomputes a built-in's documented definition from the whole history of
// operations, O(history) per value, with no running state carried between calls. They share no code
// with runtime/signals. `end` is the number of operations seen (the value after ops[end - 1]).
//
// Input rules as documented: an observation with a non-finite value (or, where a logarithm is taken,
// a non-positive one) or a trade with non-finite price or non-positive quantity is no observation but
// its time still passes; a non-finite time is ignored altogether. The generators never produce
// decreasing times (a precondition of the contract).
import type { StatefulFn } from '../../../runtime/signals/contract.js';
import type { Op, Params } from './ops.js';

const finite = Number.isFinite;
const positive = (x: number): boolean => finite(x) && x > 0;

/** The latest time seen via update or advance (finite times only). */
function now(ops: readonly Op[], end: number): number {
  let t = NaN;
  for (let i = 0; i < end; i++) {
    const op = ops[i];
    if (op && finite(op.t) && !(op.t <= t)) t = op.t;
  }
  return t;
}

/** Valid series observations (t, x), in order. */
function observations(ops: readonly Op[], end: number, valid: (x: number) => boolean): Array<{ t: number; x: number }> {
  const out: Array<{ t: number; x: number }> = [];
  for (let i = 0; i < end; i++) {
    const op = ops[i];
    if (op?.kind === 'x' && finite(op.t) && valid(op.x)) out.push({ t: op.t, x: op.x });
  }
  return out;
}

/** Observations with time in (t − window, t]. */
function inWindow<T extends { t: number }>(rows: readonly T[], t: number, windowSec: number): T[] {
  const cutoff = t - windowSec * 1e9;
  return rows.filter((r) => r.t > cutoff && r.t <= t);
}

function need(v: number | undefined, name: string): number {
  if (v === undefined) throw new Error(`reference: ${name} missing`);
  return v;
}

function returns(ops: readonly Op[], end: number): number {
  // The latest observation that differs from the observation before it.
  const obs = observations(ops, end, positive);
  for (let j = obs.length - 1; j >= 1; j--) {
    const cur = obs[j];
    const prev = obs[j - 1];
    if (cur && prev && cur.x !== prev.x) return Math.log(cur.x / prev.x);
  }
  return NaN;
}

/** Weights 2^(−(t − tᵢ)/halflife) taken at the latest observation's time (a common factor: any t gives the same ratios). */
function ewmWeights(obs: ReadonlyArray<{ t: number }>, halflifeSec: number): number[] {
  const last = obs[obs.length - 1];
  if (!last) return [];
  return obs.map((o) => Math.pow(2, -(last.t - o.t) / (halflifeSec * 1e9)));
}

function ewmMean(ops: readonly Op[], end: number, halflifeSec: number): number {
  const obs = observations(ops, end, finite);
  if (obs.length === 0) return NaN;
  const w = ewmWeights(obs, halflifeSec);
  let s = 0;
  let sw = 0;
  obs.forEach((o, i) => {
    s += (w[i] ?? 0) * o.x;
    sw += w[i] ?? 0;
  });
  return s / sw;
}

function ewmStdev(ops: readonly Op[], end: number, halflifeSec: number): number {
  const obs = observations(ops, end, finite);
  if (obs.length < 2) return NaN;
  const w = ewmWeights(obs, halflifeSec);
  let s = 0;
  let sw = 0;
  obs.forEach((o, i) => {
    s += (w[i] ?? 0) * o.x;
    sw += w[i] ?? 0;
  });
  const mean = s / sw;
  let ss = 0;
  obs.forEach((o, i) => {
    ss += (w[i] ?? 0) * (o.x - mean) ** 2;
  });
  return Math.sqrt(ss / sw);
}

function rolling(fn: 'rolling_mean' | 'rolling_stdev' | 'rolling_min' | 'rolling_max', ops: readonly Op[], end: number, windowSec: number): number {
  const xs = inWindow(observations(ops, end, finite), now(ops, end), windowSec).map((o) => o.x);
  const n = xs.length;
  switch (fn) {
    case 'rolling_mean':
      return n === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / n;
    case 'rolling_stdev': {
      if (n < 2) return NaN;
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    }
    case 'rolling_min':
      return n === 0 ? NaN : xs.reduce((a, b) => (b < a ? b : a));
    case 'rolling_max':
      return n === 0 ? NaN : xs.reduce((a, b) => (b > a ? b : a));
  }
}

function realizedVol(ops: readonly Op[], end: number, windowSec: number): number {
  const mids = observations(ops, end, positive);
  if (mids.length === 0) return NaN;
  const rets: Array<{ t: number; r: number }> = [];
  for (let i = 1; i < mids.length; i++) {
    const cur = mids[i];
    const prev = mids[i - 1];
    if (cur && prev && cur.x !== prev.x) rets.push({ t: cur.t, r: Math.log(cur.x / prev.x) });
  }
  return Math.sqrt(inWindow(rets, now(ops, end), windowSec).reduce((a, { r }) => a + r * r, 0));
}

function tradeStat(fn: 'vwap' | 'volume' | 'trade_rate', ops: readonly Op[], end: number, windowSec: number): number {
  const trades: Array<{ t: number; p: number; q: number }> = [];
  for (let i = 0; i < end; i++) {
    const op = ops[i];
    if (op?.kind === 'trade' && finite(op.t) && finite(op.p) && positive(op.q)) trades.push(op);
  }
  const win = inWindow(trades, now(ops, end), windowSec);
  switch (fn) {
    case 'vwap': {
      if (win.length === 0) return NaN;
      return win.reduce((a, tr) => a + tr.p * tr.q, 0) / win.reduce((a, tr) => a + tr.q, 0);
    }
    case 'volume':
      return win.reduce((a, tr) => a + tr.q, 0);
    case 'trade_rate':
      return win.length / windowSec;
  }
}

/** The 1-second-grid return pairs of beta, replayed from the whole history. */
export function betaPairs(ops: readonly Op[], end: number): Array<{ t: number; ra: number; rb: number }> {
  const pairs: Array<{ t: number; ra: number; rb: number }> = [];
  let lastX = NaN;
  let lastY = NaN;
  let sampleX = NaN;
  let sampleY = NaN;
  let second = NaN;
  for (let i = 0; i < end; i++) {
    const op = ops[i];
    if (op?.kind !== 'xy' || !finite(op.t)) continue;
    const sec = Math.floor(op.t / 1e9);
    if (sec > second && finite(lastX) && finite(lastY)) {
      // Crossing a boundary: the mids seen before this event are the sample.
      if (finite(sampleX)) pairs.push({ t: sec * 1e9, ra: Math.log(lastX / sampleX), rb: Math.log(lastY / sampleY) });
      sampleX = lastX;
      sampleY = lastY;
    }
    if (!(sec <= second)) second = sec;
    if (positive(op.x)) lastX = op.x;
    if (positive(op.y)) lastY = op.y;
  }
  return pairs;
}

function beta(ops: readonly Op[], end: number, windowSec: number): number {
  const win = inWindow(betaPairs(ops, end), now(ops, end), windowSec);
  const n = win.length;
  if (n < 10) return 1;
  const ma = win.reduce((a, p) => a + p.ra, 0) / n;
  const mb = win.reduce((a, p) => a + p.rb, 0) / n;
  let cov = 0;
  let varB = 0;
  for (const p of win) {
    cov += (p.ra - ma) * (p.rb - mb);
    varB += (p.rb - mb) ** 2;
  }
  return varB > 0 ? cov / varB : 1;
}

export function reference(fn: StatefulFn, params: Params, ops: readonly Op[], end = ops.length): number {
  switch (fn) {
    case 'returns':
      return returns(ops, end);
    case 'ewm_mean':
      return ewmMean(ops, end, need(params.halflifeSec, 'halflifeSec'));
    case 'baseline':
      return ewmMean(ops, end, need(params.windowSec, 'windowSec'));
    case 'ewm_stdev':
      return ewmStdev(ops, end, need(params.halflifeSec, 'halflifeSec'));
    case 'rolling_mean':
    case 'rolling_stdev':
    case 'rolling_min':
    case 'rolling_max':
      return rolling(fn, ops, end, need(params.windowSec, 'windowSec'));
    case 'realized_vol':
      return realizedVol(ops, end, need(params.windowSec, 'windowSec'));
    case 'vwap':
    case 'volume':
    case 'trade_rate':
      return tradeStat(fn, ops, end, need(params.windowSec, 'windowSec'));
    case 'beta':
      return beta(ops, end, need(params.windowSec, 'windowSec'));
  }
}
