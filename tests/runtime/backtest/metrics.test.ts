import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMarkouts, summariseMarkouts } from '../../../runtime/backtest/metrics-markouts.js';
import { MidPath } from '../../../runtime/backtest/metrics-series.js';
import { computeMetrics, drawdown, EQUITY_CALENDAR, intervalReturns } from '../../../runtime/backtest/metrics.js';
import type { MarkSample } from '../../../runtime/backtest/records.js';
import { Side } from '../../../runtime/events.js';
import { fill, mark, S } from './records.js';

// A hand-worked run, one sample a second:
//   t (s)      0       1        2         3       4
//   pnl        0       2        1         4       3
//   position   0       1        1        −1       0
//   mid      100     101       99       100     100
//   quotes   both    both   bid only    none    both
//   scenario normal  normal  high_vol  high_vol  normal
const NaN2 = NaN;
const marks: MarkSample[] = [
  mark(0, 0, { positions: [0], mids: [100] }),
  mark(1, 2, { positions: [1], mids: [101] }),
  mark(2, 1, { positions: [1], mids: [99], scenario: 'high_vol', quoteAsk: [NaN2] }),
  mark(3, 4, { positions: [-1], mids: [100], scenario: 'high_vol', quoteBid: [NaN2], quoteAsk: [NaN2] }),
  mark(4, 3, { positions: [0], mids: [100] }),
];

describe('computeMetrics on a hand-worked run', () => {
  const m = computeMetrics({ marks, fills: [], capitalQuote: 100, positionLimits: [1], orders: { placed: 10, amended: 3, cancelled: 5, filledOrders: 4 } });
  // Returns 2, −1, 3, −1: mean 0.75; sample variance (1.25² + 1.75² + 2.25² + 1.75²)/3 = 12.75/3 = 4.25.
  // A crypto year holds 365·24·3600 = 31 536 000 one-second periods.
  const ppy = 31_536_000;

  it('states the return series and its annualisation', () => {
    expect(m.intervalNs).toBe(S);
    expect(m.periodsPerYear).toBe(ppy);
    expect(m.returns.count).toBe(4);
    expect(m.returns.meanQuote).toBe(0.75);
    expect(m.returns.stdevQuote).toBeCloseTo(Math.sqrt(4.25), 12);
  });

  it('computes Sharpe, Sortino, drawdown and Calmar', () => {
    expect(m.sharpe).toBeCloseTo((0.75 / Math.sqrt(4.25)) * Math.sqrt(ppy), 6);
    // Downside deviation √((1 + 1)/4) = √0.5 over all four periods.
    expect(m.returns.downsideDeviationQuote).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(m.sortino).toBeCloseTo((0.75 / Math.sqrt(0.5)) * Math.sqrt(ppy), 6);
    // Peak 2 → 1 and peak 4 → 3: both 1; the first is reported.
    expect(m.maxDrawdownQuote).toBe(1);
    expect(m.maxDrawdownPeakNs).toBe(1 * S);
    expect(m.maxDrawdownTroughNs).toBe(2 * S);
    // Equity 100, 102, 101, 104, 103: 1/102 is the deeper fall in %.
    expect(m.maxDrawdownPct).toBeCloseTo(100 / 102, 12);
    // PnL 3 over 4 s: 3 × 31 536 000 / 4 = 23 652 000 a year; Calmar 23 652 000 / 1.
    expect(m.annualisedPnlQuote).toBeCloseTo(23_652_000, 6);
    expect(m.calmar).toBeCloseTo(23_652_000, 6);
  });

  it('measures inventory risk as the realised volatility of the held inventory', () => {
    // x = 0·(+1), 1·(−2), 1·(+1), −1·0 → √(4 + 1) = √5; PnL 3 per √5.
    expect(m.inventoryRiskQuote).toBeCloseTo(Math.sqrt(5), 12);
    expect(m.pnlPerInventoryRisk).toBeCloseTo(3 / Math.sqrt(5), 12);
  });

  it('reports uptime, scenarios, inventory and the fill ratio', () => {
    const mk = m.markets[0];
    expect(mk?.quoteUptime).toEqual({ bothSides: 0.6, bidOnly: 0.2, askOnly: 0, none: 0.2 });
    expect(m.scenarioShare).toEqual({ normal: 0.6, high_vol: 0.4 });
    expect(Object.keys(m.scenarioShare)).toEqual(['normal', 'high_vol']);
    // Positions sorted −1, 0, 0, 1, 1; type 7: p05 at index 0.2 → −0.8, p95 at 3.8 → 1.
    expect(mk?.inventory).toMatchObject({ min: -1, p25: 0, median: 0, p75: 1, max: 1, meanAbs: 0.6, timeAtLimit: 0.6 });
    expect(mk?.inventory?.p05).toBeCloseTo(-0.8, 12);
    expect(mk?.inventory?.p95).toBe(1);
    // |q|·mid: 0, 101, 99, 100, 0 → 60.
    expect(mk?.inventory?.meanAbsNotionalQuote).toBe(60);
    expect(m.fillRatio).toEqual({ orders: 0.4, qty: null });
  });

  it('uses the calendar it is given', () => {
    const eq = computeMetrics({ marks, fills: [], calendar: EQUITY_CALENDAR });
    // 252 sessions of 6.5 h: 5 896 800 seconds.
    expect(eq.periodsPerYear).toBe(5_896_800);
    expect(eq.sharpe).toBeCloseTo((0.75 / Math.sqrt(4.25)) * Math.sqrt(5_896_800), 6);
    expect(eq.maxDrawdownPct).toBeNull();
  });

  it('reports turnover', () => {
    const fills = [fill({ at: 0.5, buy: 1, price: 100 }), fill({ at: 1.5, sell: 2, price: 101, hedge: true })];
    const t = computeMetrics({ marks, fills, capitalQuote: 1000, quotedQty: 12 }).turnover;
    // 100 + 202 = 302 over 4 s = 1/900 h → 271 800 an hour; mean gross inventory 60.
    expect(t.notionalQuote).toBe(302);
    expect(t.notionalPerHourQuote).toBeCloseTo(271_800, 6);
    expect(t.perCapital).toBeCloseTo(0.302, 12);
    expect(t.perMeanInventory).toBeCloseTo(302 / 60, 12);
    // Quoting qty 1 of 12 quoted; the hedge does not count.
    expect(computeMetrics({ marks, fills, quotedQty: 12 }).fillRatio.qty).toBeCloseTo(1 / 12, 12);
  });
});

describe('edge cases', () => {
  it('reports undefined ratios as null: no samples, one sample, constant PnL, linear PnL', () => {
    const none = computeMetrics({ marks: [], fills: [] });
    expect(none).toMatchObject({ samples: 0, sharpe: null, sortino: null, calmar: null, pnlQuote: 0, maxDrawdownQuote: 0, annualisedPnlQuote: null });
    expect(none.warnings.join()).toMatch(/0 samples/);
    const one = computeMetrics({ marks: [mark(0, 5)], fills: [] });
    expect(one).toMatchObject({ sharpe: null, sortino: null, periodsPerYear: null });
    const flat = computeMetrics({ marks: [0, 1, 2, 3].map((t) => mark(t, 7)), fills: [] });
    expect(flat).toMatchObject({ sharpe: null, sortino: null, calmar: null, maxDrawdownQuote: 0 });
    // 0.1 a second in floating point: the increments differ in the last bits only.
    const linear = Array.from({ length: 50 }, (_, k) => mark(k, k * 0.1));
    const lin = computeMetrics({ marks: linear, fills: [] });
    expect(lin.returns.stdevQuote).toBeGreaterThan(0); // rounding noise is there…
    expect(lin.sharpe).toBeNull(); // …and is not mistaken for risk
    expect(lin.sortino).toBeNull(); // no losing interval
    expect(JSON.parse(JSON.stringify(lin)).sharpe).toBeNull();
  });

  it('leaves out a final stub shorter than half an interval, and collapses repeated sample times', () => {
    const ms = [mark(0, 0), mark(10, 1), mark(20, 3), mark(20, 4), mark(23, 9)];
    // Times 0, 10, 20 (last of the two: 4), 23: returns 1, 3; the 3 s stub (5) is dropped.
    expect(intervalReturns(ms)).toEqual([1, 3]);
    expect(intervalReturns([mark(0, 0), mark(10, 1), mark(20, 3), mark(26, 4)])).toEqual([1, 2, 1]);
  });

  it('starts the run at startNs when the first sample comes one interval later', () => {
    const ms = [mark(1, -1), mark(2, 1), mark(3, 0)];
    // From 0 s (flat, PnL 0): returns −1, 2, −1 over 3 s; without it: 2, −1 over 2 s.
    const withStart = computeMetrics({ marks: ms, fills: [], startNs: 0 });
    expect(withStart).toMatchObject({ spanNs: 3 * S, returns: { count: 3, meanQuote: 0 }, maxDrawdownQuote: 1, maxDrawdownPeakNs: 0, maxDrawdownTroughNs: S });
    expect(withStart.annualisedPnlQuote).toBe(0);
    const without = computeMetrics({ marks: ms, fills: [] });
    expect(without).toMatchObject({ spanNs: 2 * S, returns: { count: 2, meanQuote: 0.5 } });
    expect(computeMetrics({ marks: ms, fills: [], startNs: 2 * S }).spanNs).toBe(2 * S); // a start after the first sample is ignored
  });

  it('counts a fall below the starting PnL as drawdown', () => {
    expect(drawdown([mark(1, -5), mark(2, -2)])).toMatchObject({ maxQuote: 5, peakNs: S, troughNs: S });
  });
});

describe('markouts', () => {
  // Mid path from the samples: 100 at 0 s, 101 at 1 s, 99 at 2 s, 100 at 3 s and 4 s.
  //   A: buy 1 @ 99.5 at 0.5 s    +1 s → mid(1.5) = 101: +1·(101 − 99.5) = +1.5, 1.5/99.5 = 150.75 bps
  //   B: sell 2 @ 101.5 at 2.5 s  +1 s → mid(3.5) = 100: −1·(100 − 101.5) = +1.5 per unit, +3 in currency
  //   C: sell 1 @ 100 at 0.2 s    +1 s → mid(1.2) = 101: −1·(101 − 100) = −1 (lost)
  //   +10 s and +60 s are past the last sample (4 s): NaN.
  const fills = [fill({ at: 0.5, buy: 1, price: 99.5, mid: 100 }), fill({ at: 2.5, sell: 2, price: 101.5, mid: 99 }), fill({ at: 0.2, sell: 1, price: 100, mid: 100 })];

  it('marks out each fill in its own favour, with a step mid and NaN past the end', () => {
    const t = computeMarkouts(fills, marks);
    expect(t.horizonsNs).toEqual([S, 10 * S, 60 * S]);
    expect([...(t.perUnit[0] ?? [])]).toEqual([1.5, 1.5, -1]);
    expect([...(t.currency[0] ?? [])]).toEqual([1.5, 3, -1]);
    expect(t.bps[0]?.[0]).toBeCloseTo((1.5 / 99.5) * 1e4, 9);
    expect([...(t.perUnit[1] ?? [])].every(Number.isNaN)).toBe(true);
    const [one, ten] = summariseMarkouts(fills, t);
    expect(one).toMatchObject({ count: 3, missing: 0, totalQuote: 3.5, losingShare: 1 / 3 });
    expect(one?.meanQuote).toBeCloseTo(3.5 / 3, 12);
    expect(one?.meanBps).toBeCloseTo(((1.5 / 99.5 + 1.5 / 101.5 - 1 / 100) * 1e4) / 3, 9);
    expect(one?.notionalWeightedBps).toBeCloseTo((3.5 / (99.5 + 203 + 100)) * 1e4, 9);
    expect(ten).toMatchObject({ count: 0, missing: 3, meanBps: null, meanQuote: null, totalQuote: 0, losingShare: null });
  });

  it('reads mids recorded with fills between samples', () => {
    // A fill of the same market at 1.2 s records mid 103: the +1 s markout of A (at 1.5 s) sees 101
    // (the 1 s sample, later than the fill) but one at +0.75 s (1.25 s) sees 103.
    const between = fill({ at: 1.2, buy: 1, price: 102, mid: 103 });
    const path = new MidPath(marks, [between], 0);
    expect(path.at(1.25 * S)).toBe(103);
    expect(path.at(1.5 * S)).toBe(103);
    expect(path.at(2 * S)).toBe(99);
    expect(path.at(1 * S)).toBe(101);
    expect(path.at(4 * S)).toBe(100);
    expect(path.at(4 * S + 1)).toBeNaN();
    expect(path.at(-1)).toBeNaN();
  });

  it('uses the right sign for buys and sells (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 9000, max: 11000 }),
        fc.integer({ min: 9000, max: 11000 }),
        fc.integer({ min: 1, max: 1000 }),
        (priceCents, laterCents, qtyMilli) => {
          const price = priceCents / 100;
          const later = laterCents / 100;
          const qty = qtyMilli / 1000;
          const ms = [mark(0, 0, { mids: [price] }), mark(2, 0, { mids: [later] }), mark(5, 0, { mids: [later] })];
          const buy = fill({ at: 0.5, buy: qty, price, mid: price });
          const sell = fill({ at: 0.5, sell: qty, price, mid: price });
          const t = computeMarkouts([buy, sell], ms, [2 * S]);
          const b = t.currency[0]?.[0] ?? NaN;
          const s = t.currency[0]?.[1] ?? NaN;
          // A buy gains when the mid rises above its price, a sell when it falls below.
          expect(Math.sign(b) === Math.sign(later - price)).toBe(true);
          expect(Math.sign(s) === Math.sign(price - later)).toBe(true);
          expect(b).toBeCloseTo(qty * (later - price), 9);
          expect(s === -b).toBe(true);
          expect(Number.isFinite(b)).toBe(true);
        },
      ),
      { numRuns: 300, examples: [[10000, 10000, 1], [9000, 11000, 1000], [11000, 9000, 1]] },
    );
  });

  it('splits quoting and hedge markouts in the metrics, and warns when the horizon is under the sampling interval', () => {
    const hedge = fill({ at: 0.5, side: Side.Ask, qty: 1, price: 100, mid: 100, hedge: true });
    const m = computeMetrics({ marks, fills: [...fills, hedge], markoutHorizonsNs: [S, 0.5 * S] });
    expect(m.markouts.quoting[0]?.count).toBe(3);
    expect(m.markouts.hedge[0]).toMatchObject({ count: 1, totalQuote: -1 });
    expect(m.warnings.join('\n')).toMatch(/\+0\.5 s read mids sampled every 1 s/);
    expect(m.warnings.join('\n')).not.toMatch(/\+1 s read/);
  });
});

describe('properties of the risk figures', () => {
  const pnlSeries = fc.array(fc.integer({ min: -100_000, max: 100_000 }).map((k) => k / 100), { minLength: 3, maxLength: 80 });
  const toMarks = (pnl: number[]): MarkSample[] => pnl.map((p, k) => mark(k * 5, p));

  it('never reports a negative drawdown, nor one larger than the range of PnL and 0', () => {
    fc.assert(
      fc.property(pnlSeries, fc.integer({ min: 1, max: 1_000_000 }), (pnl, capital) => {
        const d = drawdown(toMarks(pnl), capital);
        expect(d.maxQuote).toBeGreaterThanOrEqual(0);
        expect(d.maxQuote).toBeLessThanOrEqual(Math.max(0, ...pnl) - Math.min(0, ...pnl));
        expect(d.maxPct ?? -1).toBeGreaterThanOrEqual(0);
        // A drawdown happened exactly when PnL ever fell below an earlier peak (or below 0).
        let peak = 0;
        const fell = pnl.some((p) => {
          const below = p < peak;
          peak = Math.max(peak, p);
          return below;
        });
        expect(d.maxQuote > 0).toBe(fell);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps Sharpe and Sortino when PnL is scaled, and flips their sign when it is negated', () => {
    let defined = 0;
    fc.assert(
      fc.property(pnlSeries, fc.integer({ min: -6, max: 6 }), fc.integer({ min: 1, max: 999 }), (pnl, exp, mant) => {
        const c = mant * 10 ** exp;
        const base = computeMetrics({ marks: toMarks(pnl), fills: [] });
        const scaled = computeMetrics({ marks: toMarks(pnl.map((p) => p * c)), fills: [] });
        const negated = computeMetrics({ marks: toMarks(pnl.map((p) => -p)), fills: [] });
        if (base.sharpe === null) {
          expect(scaled.sharpe).toBeNull();
          return;
        }
        defined++;
        expect(Math.abs((scaled.sharpe ?? NaN) - base.sharpe)).toBeLessThanOrEqual(1e-9 * Math.abs(base.sharpe) + 1e-12);
        expect(negated.sharpe).toBeCloseTo(-base.sharpe, 9);
        if (base.sortino !== null) expect(Math.abs((scaled.sortino ?? NaN) - base.sortino)).toBeLessThanOrEqual(1e-9 * Math.abs(base.sortino) + 1e-12);
        expect(Math.abs(scaled.maxDrawdownQuote - base.maxDrawdownQuote * c)).toBeLessThanOrEqual(1e-9 * base.maxDrawdownQuote * c);
      }),
      { numRuns: 300 },
    );
    expect(defined).toBeGreaterThan(200);
  });
});
