// Each transform on synthetic batches (L2 with two interleaved markets, and L3): the documented
// semantics checked exactly, message by message, plus what every transform owes (runChecked: valid
// and uncrossed output, input untouched, deterministic).
import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind, Side, type EventBatch } from '../../../runtime/events.js';
import { flashCrash } from '../../../runtime/stress/flash-crash.js';
import { gap } from '../../../runtime/stress/gap.js';
import { latencySpike } from '../../../runtime/stress/latency-spike.js';
import { liquidityDrought } from '../../../runtime/stress/liquidity-drought.js';
import { outage, staleFeed } from '../../../runtime/stress/outage.js';
import { streamSpan } from '../../../runtime/stress/time.js';
import { toxicFlow } from '../../../runtime/stress/toxic-flow.js';
import { volatility } from '../../../runtime/stress/volatility.js';
import { SYNTHETIC_LINE } from '../../../runtime/stress/writer.js';
import { expectShifts, expectedShifts, runChecked, type Shift } from './expect.js';
import { syntheticL2, syntheticL3 } from './synthetic.js';
import { compareViews, realisedVariance } from './verify.js';

const l2 = syntheticL2({ seed: 7, messages: 1500, markets: 2 });
const l3 = syntheticL3({ seed: 11, messages: 1500 });
const inputs: Array<[string, EventBatch]> = [
  ['L2, two markets', l2],
  ['L3', l3],
];

function at(b: EventBatch, fraction: number): number {
  const s = streamSpan(b);
  return s.startNs + fraction * (s.endNs - s.startNs);
}

function rowsOf(b: EventBatch, m: number, from: number, to: number, kinds?: number[]): number[] {
  const rows: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const t = b.exchTs[i] ?? 0;
    if ((b.market[i] ?? 0) === m && t >= from && t < to && (!kinds || kinds.includes(b.kind[i] ?? 0))) rows.push(i);
  }
  return rows;
}

describe('gap', () => {
  for (const [name, input] of inputs) {
    for (const pct of [-5, 7.5]) {
      it(`${name}: every price moves by round(pct × mid) at the first book message from the start, and stays (pct ${pct})`, () => {
        const out = runChecked(input, (b) => gap(b, { pct, at: 0.4 }));
        const start = at(input, 0.4);
        for (let m = 0; m < input.markets.length; m++) {
          let d = NaN;
          const expected = expectedShifts(input, m, (t, bid, ask, cur) => {
            if (d === d) return cur;
            if (t < start || !(bid === bid && ask === ask)) return cur;
            d = Math.round((pct / 100) * ((bid + ask) / 2));
            return { bid: d, ask: d };
          });
          const check = compareViews(input, out, { market: m });
          expectShifts(check.samples, expected);
          expect(Math.abs(d)).toBeGreaterThan(0);
        }
        // Trades after the jump moved with the book: the same count, prices shifted.
        expect(out.kind.filter((k) => k === EventKind.Trade).length).toBe(input.kind.filter((k) => k === EventKind.Trade).length);
      });
    }
  }

  it('moves only the market asked for', () => {
    const out = runChecked(l2, (b) => gap(b, { pct: 10, atS: 5, market: 1 }));
    expect(compareViews(l2, out, { market: 0 }).samples.every((s) => s.bidShift === 0 && s.mismatch === '')).toBe(true);
    expect(compareViews(l2, out, { market: 1 }).samples.some((s) => s.bidShift > 0)).toBe(true);
  });

  it('L3: order ids and rows are kept after the jump, prices shifted', () => {
    const out = gap(l3, { pct: 5, at: 0.5 });
    const adds = (b: EventBatch) => b.kind.reduce((n, k) => n + (k === EventKind.OrderAdd ? 1 : 0), 0);
    expect(adds(out)).toBe(adds(l3));
    const i = l3.kind.lastIndexOf(EventKind.OrderAdd);
    const j = out.kind.lastIndexOf(EventKind.OrderAdd);
    expect(out.orderId[j]).toBe(l3.orderId[i]);
    expect((out.priceTicks[j] ?? 0) - (l3.priceTicks[i] ?? 0)).toBeGreaterThan(200);
  });

  it('rejects bad options with the option named', () => {
    expect(() => gap(l2, { pct: -100 })).toThrow(/gap: option pct=-100 must be >= -99/);
    expect(() => gap(l2, { pct: 5, at: 2 })).toThrow(/option at=2 must be <= 1/);
    expect(() => gap(l2, { pct: 5, at: 0.5, atS: 3 })).toThrow(/either at or atS/);
    expect(() => gap(l2, { pct: 5, market: 2 })).toThrow(/market=2 is out of range/);
    expect(() => gap(l2, { pct: 5, size: 3 } as never)).toThrow(/unknown option "size"/);
  });
});

describe('flashCrash', () => {
  for (const [name, input] of inputs) {
    for (const depthLevels of [0, 4]) {
      it(`${name}: a linear V of depth round(dropPct × mid), book shown to depthLevels ${depthLevels} while it moves`, () => {
        const span = streamSpan(input).durationS;
        const fallS = span * 0.1;
        const recoverS = span * 0.2;
        const out = runChecked(input, (b) => flashCrash(b, { dropPct: 8, at: 0.3, fallS, recoverS, depthLevels }));
        const t0 = at(input, 0.3);
        const end = t0 + (fallS + recoverS) * 1e9;
        for (let m = 0; m < input.markets.length; m++) {
          let d = NaN;
          const expected = expectedShifts(input, m, (t, bid, ask, cur) => {
            if (t < t0 || t >= end) return { bid: 0, ask: 0 };
            if (!(d === d)) {
              if (!(bid === bid && ask === ask)) return cur;
              d = Math.round(0.08 * ((bid + ask) / 2));
            }
            const since = (t - t0) / 1e9;
            const frac = since < fallS ? since / fallS : 1 - (since - fallS) / recoverS;
            const s = Math.max(-Math.round(d * frac), 1 - bid);
            return { bid: s, ask: s };
          });
          const check = compareViews(input, out, { market: m, depthLevels: (t) => (t >= t0 && t < end ? depthLevels : 0), bookMessagesOnly: true });
          expectShifts(check.samples, expected);
          // The bottom is reached: some message near t0 + fallS is shifted by about -d.
          const deepest = Math.min(...check.samples.map((s) => s.bidShift));
          expect(deepest).toBeLessThanOrEqual(-0.8 * d);
          // After the recovery the original prices are back, at full depth.
          const last = check.samples[check.samples.length - 1];
          expect(last?.bidShift).toBe(0);
        }
      });
    }
  }

  it('L3 while windowed: no order rows inside the crash, executions become trades', () => {
    const span = streamSpan(l3).durationS;
    const out = flashCrash(l3, { at: 0.3, fallS: span * 0.1, recoverS: span * 0.1, depthLevels: 5 });
    const t0 = at(l3, 0.3);
    // The window is on from the end of the first book message at or after t0 (where the first
    // windowed render starts with a BookClear) to the full snapshot after the recovery.
    const clears: number[] = [];
    for (let i = 1; i < out.length; i++) if (out.kind[i] === EventKind.BookClear && (out.exchTs[i] ?? 0) >= t0) clears.push(i);
    const [on, off] = clears;
    if (on === undefined || off === undefined) throw new Error('expected the window to open and close with a BookClear');
    const l3Kinds: number[] = [EventKind.OrderAdd, EventKind.OrderReduce, EventKind.OrderDelete, EventKind.OrderExecute];
    const lines = new Set<number>();
    for (let i = on; i < off; i++) {
      expect(l3Kinds).not.toContain(out.kind[i]);
      if (out.kind[i] === EventKind.Trade) lines.add(out.line[i] ?? 0);
    }
    const [lineOn, lineOff] = [out.line[on] ?? 0, out.line[off] ?? 0];
    let executions = 0;
    for (let i = 0; i < l3.length; i++) {
      const line = l3.line[i] ?? 0;
      if (l3.kind[i] === EventKind.OrderExecute && line > lineOn && line < lineOff) {
        expect(lines.has(line)).toBe(true);
        executions++;
      }
    }
    expect(executions).toBeGreaterThan(0);
    // Order rows resume after it.
    expect(out.kind.subarray(off).includes(EventKind.OrderAdd)).toBe(true);
  });
});

describe('volatility', () => {
  for (const [name, input] of inputs) {
    it(`${name}: shift = round((k - 1) × (mid - EWM anchor)), realised variance about k² times`, () => {
      const k = 3;
      const halfLifeS = 5;
      const out = runChecked(input, (b) => volatility(b, { k, anchorHalfLifeS: halfLifeS, depthLevels: 6 }));
      for (let m = 0; m < input.markets.length; m++) {
        let a = NaN;
        let lastT = NaN;
        const expected = expectedShifts(input, m, (t, bid, ask, cur) => {
          const mid = (bid + ask) / 2;
          if (!(mid === mid)) return cur;
          a = a === a ? a + (1 - Math.pow(2, -(t - lastT) / (halfLifeS * 1e9))) * (mid - a) : mid;
          lastT = t;
          const s = Math.max(Math.round((k - 1) * (mid - a)), 1 - bid);
          return { bid: s, ask: s };
        });
        const check = compareViews(input, out, { market: m, depthLevels: () => 6 });
        expectShifts(check.samples, expected);
        const ratio = Math.sqrt(realisedVariance(check.samples.map((s) => s.mid)) / realisedVariance(check.samples.map((s) => s.origMid)));
        expect(ratio).toBeGreaterThan(k * 0.85);
        expect(ratio).toBeLessThan(k * 1.15);
      }
    });
  }

  it('a window: outside it the original book at full depth', () => {
    const out = runChecked(l2, (b) => volatility(b, { k: 4, at: 0.2, durationS: streamSpan(l2).durationS * 0.3 }));
    const t0 = at(l2, 0.2);
    const t1 = t0 + streamSpan(l2).durationS * 0.3 * 1e9;
    const samples = compareViews(l2, out, { depthLevels: (t) => (t >= t0 && t < t1 ? 200 : 0), bookMessagesOnly: true }).samples;
    for (const s of samples) {
      expect(s.mismatch).toBe('');
      if (s.t < t0) expect(s.bidShift).toBe(0);
    }
    expect(samples.some((s) => s.t > t1 + 1e9 && s.bidShift === 0)).toBe(true);
    expect(samples.some((s) => s.bidShift !== 0)).toBe(true);
  });
});

describe('liquidityDrought', () => {
  for (const [name, input] of inputs) {
    it(`${name}: sizes ÷ depthDivisor, touch spread × spreadMultiplier exactly, sides keep their shape`, () => {
      const span = streamSpan(input).durationS;
      const out = runChecked(input, (b) => liquidityDrought(b, { depthDivisor: 4, spreadMultiplier: 3, at: 0.25, durationS: span / 2 }));
      const t0 = at(input, 0.25);
      const t1 = t0 + (span / 2) * 1e9;
      for (let m = 0; m < input.markets.length; m++) {
        const expected = expectedShifts(input, m, (t, bid, ask, cur) => {
          if (t < t0 || t >= t1) return { bid: 0, ask: 0 };
          if (!(bid === bid && ask === ask)) return cur;
          const w = Math.round(2 * (ask - bid));
          return { bid: -Math.floor(w / 2), ask: Math.ceil(w / 2) };
        });
        const check = compareViews(input, out, { market: m, qtyScale: (t) => (t >= t0 && t < t1 ? 1 / 4 : 1), bookMessagesOnly: true });
        expectShifts(check.samples, expected);
        const inside = check.samples.filter((s) => s.t >= t0 && s.t < t1 && s.origBid === s.origBid && s.origAsk === s.origAsk);
        expect(inside.length).toBeGreaterThan(10);
        for (const s of inside) expect(s.bidShift === 0 && s.askShift === 0 ? 0 : (s.askShift - s.bidShift) / (s.origAsk - s.origBid)).toBe(2);
      }
      // Trades are divided too (executions stay within the levels they hit) from the snapshot that
      // starts the drought (end of the first book message at or after t0) to the one that ends it.
      const clearAfter = (t: number): number => {
        for (let i = 0; i < out.length; i++) if (out.kind[i] === EventKind.BookClear && out.market[i] === 0 && (out.exchTs[i] ?? 0) >= t) return out.exchTs[i] ?? 0;
        return Infinity;
      };
      const [on, off] = [clearAfter(t0), clearAfter(t1)];
      const tradesIn = rowsOf(input, 0, on + 1, off, [EventKind.Trade, EventKind.OrderExecute]);
      const tradesOut = rowsOf(out, 0, on + 1, off, [EventKind.Trade, EventKind.OrderExecute]);
      expect(tradesIn.length).toBeGreaterThan(10);
      expect(tradesOut.length).toBe(tradesIn.length);
      tradesIn.forEach((i, k) => expect(out.qty[tradesOut[k] ?? -1]).toBeCloseTo((input.qty[i] ?? 0) / 4, 12));
    });
  }

  it('k sets both factors; a no-op is refused', () => {
    const out = liquidityDrought(l2, { k: 2 });
    expect(compareViews(l2, out, { qtyScale: () => 0.5 }).samples.every((s) => s.mismatch === '')).toBe(true);
    expect(() => liquidityDrought(l2, { depthDivisor: 1, spreadMultiplier: 1 })).toThrow(/both 1/);
  });
});

describe('toxicFlow', () => {
  for (const [name, input] of inputs) {
    for (const side of ['sell', 'buy'] as const) {
      it(`${name}: ${side} orders sweep the side they hit, the book follows and stays moved`, () => {
        const span = streamSpan(input).durationS;
        const durationS = span * 0.2;
        const out = runChecked(input, (b) => toxicFlow(b, { side, at: 0.5, durationS, ratePerS: 2, arrivals: 'regular', impactBps: 5, market: 0 }));
        const t0 = at(input, 0.5);
        const check = compareViews(input, out, { market: 0 });
        const expectedOrders = Math.ceil(durationS * 2);
        expect(check.synthetic).toBe(expectedOrders);
        // The consumer's book is always the original moved as a whole (shape kept, both sides alike).
        for (const s of check.samples) {
          expect(s.mismatch).toBe('');
          if (s.origBid === s.origBid && s.origAsk === s.origAsk) expect(s.askShift).toBe(s.bidShift);
        }
        // Moves only against the side hit, ever further, and stays after the flow.
        const shifts = check.samples.map((s) => s.bidShift).filter((x) => x === x);
        for (let k = 1; k < shifts.length; k++) {
          if (side === 'sell') expect(shifts[k]).toBeLessThanOrEqual(shifts[k - 1] ?? 0);
          else expect(shifts[k]).toBeGreaterThanOrEqual(shifts[k - 1] ?? 0);
        }
        const final = shifts[shifts.length - 1] ?? 0;
        expect(side === 'sell' ? final : -final).toBeLessThan(-expectedOrders);
        // The injected messages: trades by the aggressor only, at the levels hit, then the moved book.
        const injected = [];
        for (let i = 0; i < out.length; i++) if ((out.line[i] ?? 0) === SYNTHETIC_LINE) injected.push(i);
        const trades = injected.filter((i) => out.kind[i] === EventKind.Trade);
        expect(trades.length).toBeGreaterThanOrEqual(expectedOrders);
        for (const i of trades) {
          expect(out.side[i]).toBe(side === 'sell' ? Side.Ask : Side.Bid);
          expect(out.exchTs[i]).toBeGreaterThanOrEqual(t0);
        }
        // Other markets are untouched.
        if (input.markets.length > 1) expect(compareViews(input, out, { market: 1 }).samples.every((s) => s.bidShift === 0 && s.mismatch === '')).toBe(true);
      });
    }
  }

  it('each order walks the book shown: trade prices from the touch outwards, sizes adding up to the order', () => {
    const size = 7;
    const out = toxicFlow(l2, { side: 'sell', size, ratePerS: 1, durationS: 5, arrivals: 'regular', market: 0, impactBps: 0 });
    let i = 0;
    let orders = 0;
    while (i < out.length) {
      if (out.line[i] !== SYNTHETIC_LINE || out.kind[i] !== EventKind.Trade) {
        i++;
        continue;
      }
      let total = 0;
      let prev = Infinity;
      for (; i < out.length && out.kind[i] === EventKind.Trade && out.line[i] === SYNTHETIC_LINE; i++) {
        expect(out.priceTicks[i]).toBeLessThan(prev);
        prev = out.priceTicks[i] ?? 0;
        total += out.qty[i] ?? 0;
      }
      expect(total).toBeCloseTo(size, 9);
      orders++;
    }
    expect(orders).toBe(5);
  });

  it('poisson arrivals follow the seed', () => {
    const a = toxicFlow(l2, { seed: 1, durationS: 20 });
    const b = toxicFlow(l2, { seed: 1, durationS: 20 });
    const c = toxicFlow(l2, { seed: 2, durationS: 20 });
    const times = (x: EventBatch) => Array.from(x.exchTs.filter((_, i) => x.line[i] === SYNTHETIC_LINE && x.kind[i] === EventKind.Trade));
    expect(times(a)).toEqual(times(b));
    expect(times(a)).not.toEqual(times(c));
  });
});

describe('latencySpike', () => {
  for (const [name, input] of inputs) {
    it(`${name}: localTs + delay inside the window, the backlog drains in order after it, nothing else changes`, () => {
      const span = streamSpan(input).durationS;
      const durationS = span * 0.1;
      const out = runChecked(input, (b) => latencySpike(b, { delayMs: 750, at: 0.5, durationS }));
      const t0 = at(input, 0.5);
      const t1 = t0 + durationS * 1e9;
      expect(out.length).toBe(input.length);
      for (const col of ['kind', 'market', 'side', 'flags', 'exchTs', 'priceTicks', 'qty', 'orderId', 'line'] as const) expect(out[col]).toEqual(input[col]);
      const backlog = input.markets.map(() => -Infinity);
      let delayed = 0;
      const open = input.markets.map(() => false);
      const inside = input.markets.map(() => false);
      for (let i = 0; i < input.length; i++) {
        const m = input.market[i] ?? 0;
        const t = input.exchTs[i] ?? 0;
        if (!open[m]) inside[m] = t >= t0 && t < t1;
        open[m] = ((input.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0;
        const local = input.localTs[i] ?? 0;
        if (input.kind[i] === EventKind.Calendar) expect(out.localTs[i]).toBe(local);
        else if (inside[m]) {
          expect((out.localTs[i] ?? 0) - local).toBeCloseTo(750e6, 0);
          backlog[m] = Math.max(backlog[m] ?? -Infinity, local + 750e6);
          delayed++;
        } else expect(out.localTs[i]).toBe(Math.max(local, backlog[m] ?? -Infinity));
      }
      expect(delayed).toBeGreaterThan(10);
    });
  }
});

describe('outage', () => {
  for (const [name, input] of inputs) {
    it(`${name}: no rows in the window, then one snapshot of the book as it stands`, () => {
      const span = streamSpan(input).durationS;
      const durationS = span * 0.15;
      const out = runChecked(input, (b) => outage(b, { at: 0.5, durationS }));
      const t0 = at(input, 0.5);
      const t1 = t0 + durationS * 1e9;
      for (let m = 0; m < input.markets.length; m++) {
        expect(rowsOf(out, m, t0, t1).filter((i) => out.kind[i] !== EventKind.Calendar)).toEqual([]);
        const snap = rowsOf(out, m, t1, t1 + 1).filter((i) => out.line[i] === SYNTHETIC_LINE);
        expect(out.kind[snap[0] ?? -1]).toBe(EventKind.BookClear);
        expect(snap.slice(1).every((i) => out.kind[i] === EventKind.BookLevel)).toBe(true);
        expect((out.flags[snap[snap.length - 1] ?? -1] ?? 0) & EventFlag.EndOfMessage).toBe(EventFlag.EndOfMessage);
        // Outside the window (and from the snapshot on) the consumer's book is the original's.
        const samples = compareViews(input, out, { market: m }).samples;
        expect(samples.every((s) => s.mismatch === '' && s.bidShift === 0 && s.askShift === 0)).toBe(true);
        expect(samples.some((s) => s.t >= t1)).toBe(true);
      }
    });
  }

  it('one market only, calendar rows kept', () => {
    const out = outage(l2, { market: 1, at: 0.2, durationS: streamSpan(l2).durationS * 0.5 });
    const t0 = at(l2, 0.2);
    const t1 = t0 + streamSpan(l2).durationS * 0.5 * 1e9;
    expect(rowsOf(out, 1, t0, t1)).toEqual([]);
    expect(rowsOf(out, 0, t0, t1).length).toBe(rowsOf(l2, 0, t0, t1).length);
    expect(out.kind.filter((k) => k === EventKind.Calendar).length).toBe(1);
  });
});

describe('staleFeed', () => {
  for (const [name, input] of inputs) {
    it(`${name}: the book stops (trades go on), then a snapshot catches up`, () => {
      const span = streamSpan(input).durationS;
      const durationS = span * 0.15;
      const out = runChecked(input, (b) => staleFeed(b, { at: 0.5, durationS }));
      const t0 = at(input, 0.5);
      const t1 = t0 + durationS * 1e9;
      for (let m = 0; m < input.markets.length; m++) {
        const bookKinds = [EventKind.BookClear, EventKind.BookLevel, EventKind.OrderAdd, EventKind.OrderReduce, EventKind.OrderDelete, EventKind.OrderExecute, EventKind.Ticker];
        expect(rowsOf(out, m, t0, t1, bookKinds)).toEqual([]);
        const tradesIn = rowsOf(input, m, t0, t1, [EventKind.Trade, EventKind.OrderExecute, EventKind.HiddenExecute]);
        const tradesOut = rowsOf(out, m, t0, t1, [EventKind.Trade, EventKind.HiddenExecute]);
        expect(tradesOut.length).toBe(tradesIn.length);
        expect(tradesOut.length).toBeGreaterThan(0);
        tradesIn.forEach((i, k) => {
          const j = tradesOut[k] ?? -1;
          expect([out.priceTicks[j], out.qty[j], out.exchTs[j], out.localTs[j]]).toEqual([input.priceTicks[i], input.qty[i], input.exchTs[i], input.localTs[i]]);
          if (input.kind[i] === EventKind.OrderExecute) expect([out.kind[j], out.side[j]]).toEqual([EventKind.Trade, 1 - (input.side[i] ?? 0)]);
        });
        const samples = compareViews(input, out, { market: m }).samples;
        // Before and after: the original; inside: the book as it was at the start, whatever the market did.
        expect(samples.filter((s) => s.t < t0 || s.t >= t1).every((s) => s.mismatch === '' && s.bidShift === 0)).toBe(true);
        const frozen = samples.filter((s) => s.t >= t0 && s.t < t1);
        expect(new Set(frozen.map((s) => `${s.mid} ${s.levels.join(' ')}`)).size).toBe(1);
        expect(frozen.some((s) => s.mismatch !== '')).toBe(true);
      }
    });
  }

  it("freeze 'all': nothing at all from the market in the window", () => {
    const span = streamSpan(l3).durationS;
    const out = runChecked(l3, (b) => staleFeed(b, { freeze: 'all', at: 0.3, durationS: span * 0.2 }));
    const t0 = at(l3, 0.3);
    expect(rowsOf(out, 0, t0, t0 + span * 0.2 * 1e9)).toEqual([]);
  });
});
