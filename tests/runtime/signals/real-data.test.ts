// Every built-in against its naive reference on REAL market data (../shared/data, never copied into
// the project): Binance USD-M BTCUSDT and ETHUSDT of 2024-08-08 (bookTicker mids and trades at the
// exchange's event times, ms resolution so many equal timestamps) and the first 999 LOBSTER AAPL
// level-10 events of 2012-06-21 (book mids at message times, ns resolution; executions as trades).
// fast-check picks the series, a random start offset and length (a sub-window of the data), the
// window or half-life, where time is advanced without an observation, and the checkpoints where
// the value is compared with the reference recomputed over the whole history so far.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StatefulFn } from '../../../runtime/signals/contract.js';
import { compareWithReference } from './compare.js';
import { inputOf, paramsFor, seriesFns, tradeFns, type Op } from './ops.js';
import { uniform } from './arbitraries.js';
import { binance, binancePair, lobsterAapl, realDataMissing } from './real-data.js';

const SEED = 8082024;
const missing = realDataMissing();
if (missing) console.warn(`skipping the real-data signal tests: ${missing}`);

interface Source {
  name: string;
  length: number;
  /** Operations for events [from, to), with an advance half-way to the next event after every `advanceEvery`-th (0: none). */
  ops(from: number, to: number, advanceEvery: number): Op[];
}

function withAdvances(t: Float64Array, from: number, to: number, advanceEvery: number, op: (i: number) => Op): Op[] {
  const ops: Op[] = [];
  for (let i = from; i < to; i++) {
    ops.push(op(i));
    const next = t[i + 1];
    if (advanceEvery > 0 && (i - from) % advanceEvery === advanceEvery - 1 && next !== undefined) ops.push({ kind: 'advance', t: ((t[i] ?? 0) + next) / 2 });
  }
  return ops;
}

function midSource(m: { name: string; t: Float64Array; mid: Float64Array }): Source {
  return { name: m.name, length: m.t.length, ops: (from, to, k) => withAdvances(m.t, from, to, k, (i) => ({ kind: 'x', t: m.t[i] ?? NaN, x: m.mid[i] ?? NaN })) };
}

function tradePriceSource(tr: { name: string; t: Float64Array; price: Float64Array }): Source {
  return { name: `${tr.name} (prices as a series)`, length: tr.t.length, ops: (from, to, k) => withAdvances(tr.t, from, to, k, (i) => ({ kind: 'x', t: tr.t[i] ?? NaN, x: tr.price[i] ?? NaN })) };
}

function tradeSource(tr: { name: string; t: Float64Array; price: Float64Array; qty: Float64Array }): Source {
  return {
    name: tr.name,
    length: tr.t.length,
    ops: (from, to, k) => withAdvances(tr.t, from, to, k, (i) => ({ kind: 'trade', t: tr.t[i] ?? NaN, p: tr.price[i] ?? NaN, q: tr.qty[i] ?? NaN })),
  };
}

function pairSource(p: { name: string; t: Float64Array; x: Float64Array; y: Float64Array }): Source {
  return { name: p.name, length: p.t.length, ops: (from, to, k) => withAdvances(p.t, from, to, k, (i) => ({ kind: 'xy', t: p.t[i] ?? NaN, x: p.x[i] ?? NaN, y: p.y[i] ?? NaN })) };
}

let sources: { series: Source[]; trades: Source[]; pair: Source[] } | undefined;

beforeAll(() => {
  if (missing) return;
  const btc = binance('btcusdt');
  const eth = binance('ethusdt');
  const aapl = lobsterAapl();
  sources = {
    series: [midSource(btc.mids), tradePriceSource(btc.trades), midSource(aapl.mids), midSource(eth.mids)],
    trades: [tradeSource(btc.trades), tradeSource(eth.trades), tradeSource(aapl.trades)],
    pair: [pairSource(binancePair())],
  };
});

/** Sub-window sizes (events), windows (s), runs and checkpoints per input kind. */
const plan = {
  series: { minLen: 200, maxLen: 4000, minSec: 0.05, maxSec: 120, runs: 30, checkpoints: 60, round: [0.001, 0.01, 0.1, 1, 5, 60] },
  trades: { minLen: 100, maxLen: 4000, minSec: 0.05, maxSec: 120, runs: 30, checkpoints: 60, round: [0.001, 0.01, 0.1, 1, 5, 60] },
  pair: { minLen: 5000, maxLen: 60_000, minSec: 10, maxSec: 150, runs: 12, checkpoints: 12, round: [10, 30, 60] },
} as const;

function check(fn: StatefulFn): void {
  const kind = inputOf(fn);
  const cfg = plan[kind];
  const arb = fc.record({
    source: fc.noBias(fc.nat(1000)),
    start: uniform(0, 1),
    length: fc.noBias(fc.integer({ min: cfg.minLen, max: cfg.maxLen })),
    // round windows put observations (ms timestamps) exactly on the window's edge
    sec: fc.oneof(uniform(cfg.minSec, cfg.maxSec), fc.constantFrom(...cfg.round)),
    advanceEvery: fc.oneof(fc.constant(0), fc.noBias(fc.integer({ min: 1, max: 50 }))),
    checkpoints: fc.array(uniform(0, 1), { minLength: cfg.checkpoints, maxLength: cfg.checkpoints }),
  });
  let compared = 0;
  let informative = 0;
  fc.assert(
    fc.property(arb, (r) => {
      const list = sources?.[kind] ?? [];
      const src = list[r.source % list.length];
      if (!src) throw new Error('no real-data source');
      const length = Math.min(r.length, src.length);
      const from = Math.floor(r.start * (src.length - length));
      const ops = src.ops(from, from + length, r.advanceEvery);
      const at = new Set(r.checkpoints.map((u) => Math.min(ops.length - 1, Math.floor(u * ops.length))));
      at.add(ops.length - 1);
      const res = compareWithReference(fn, paramsFor(fn, r.sec), ops, at);
      if (res.miss) throw new Error(`${src.name}, events ${from}..${from + length}: ${res.miss}`);
      compared += res.compared;
      informative += res.informative;
    }),
    { seed: SEED, numRuns: cfg.runs },
  );
  expect(informative).toBeGreaterThan(compared * 0.5);
}

describe.skipIf(missing !== undefined)('incremental built-ins match the naive reference on real market data', () => {
  for (const fn of [...seriesFns, ...tradeFns, 'beta'] as const) it(fn, () => check(fn));
});
