// Paper instances on the simulated market: the loop seam, hot-swap continuity, the kill switch,
// determinism, the snapshot's shape, update pacing and failure handling. Every run checks the
// position limit after every pump.
import { describe, expect, it } from 'vitest';
import type { LatencyModel } from '../../../runtime/backtest/latency.js';
import { ConstantLatency } from '../../../runtime/backtest/latency.js';
import { NotionalFees } from '../../../runtime/backtest/fees.js';
import { PaperInstance, type PaperInstanceOptions } from '../../../runtime/paper/paper-instance.js';
import type { PaperSnapshot } from '../../../runtime/paper/snapshot.js';
import { simulateMarket } from '../../../runtime/sim/simulated-market.js';
import { Rng } from '../engine/harness.js';
import { FakeClock, MAX_POSITION, pumpSteps, tightPlan, withinLimit } from './helpers.js';

const planA = tightPlan(0.5);
const planB = tightPlan(5, 2);
const latency = () => ({ feed: new ConstantLatency(1e6), order: new ConstantLatency(5e6), response: new ConstantLatency(5e6) });

function instance(over: Partial<PaperInstanceOptions> = {}, clock = new FakeClock()): { inst: PaperInstance; clock: FakeClock } {
  const inst = new PaperInstance({ id: 'paper-1', plan: planA, market: { kind: 'simulated', seed: 42, speed: 10, spanSec: 60 }, clock: clock.now, fees: new NotionalFees(-0.00005, 0.0002), ...over });
  inst.pump();
  return { inst, clock };
}

describe('paper instance: the loop seam', () => {
  it('keeps event time increasing through many seams, carries position and PnL, and reconciles orders', () => {
    // Zero latency: nothing is in flight between pumps, so both sides must agree exactly.
    const { inst, clock } = instance();
    let lastT = -Infinity;
    let lastLoops = 0;
    let lastPosition = 0;
    let fillsSeen = 0;
    let seams = 0;
    pumpSteps(inst, clock, 400, 200, MAX_POSITION, () => {
      const s = inst.snapshot();
      expect(s.eventTimeNs).toBeGreaterThan(lastT);
      lastT = s.eventTimeNs;
      const session = inst.session;
      expect(session.inFlight).toBe(0);
      expect(s.markets[0]?.position).toBeCloseTo(session.exchangePositions()[0] ?? NaN, 9);
      const working = [...s.markets[0]!.working.bids, ...s.markets[0]!.working.asks].map((o) => o.id).sort();
      expect(working).toEqual([...session.exchange.restingOrders].map((o) => o.id).sort());
      if (s.loops > lastLoops) {
        seams++;
        lastLoops = s.loops;
      }
      const fresh = s.counts.fills - fillsSeen;
      expect(fresh).toBeLessThanOrEqual(s.lastFills.length);
      for (const f of s.lastFills.slice(s.lastFills.length - fresh)) {
        // The venue's position moves by each fill, across seams too: nothing was reset.
        expect(f.positionAfter).toBeCloseTo(lastPosition + (f.side === 'buy' ? f.qty : -f.qty), 9);
        lastPosition = f.positionAfter;
      }
      fillsSeen = s.counts.fills;
    });
    // 400 × 200 ms × speed 10 = 800 s of event time over a 60 s market (+1 s gap per pass).
    expect(seams).toBe(13);
    const s = inst.snapshot();
    expect(s.loops).toBe(13);
    expect(s.counts.fills).toBeGreaterThan(20);
    expect(s.pnl.total).not.toBe(0);
    expect(s.status).toBe('idle');
  });

  it('survives seams with latency: no crash, and the two sides agree once nothing is in flight', () => {
    const { inst, clock } = instance({ latency: latency() });
    pumpSteps(inst, clock, 300, 250);
    expect(inst.snapshot().loops).toBeGreaterThanOrEqual(10);
    // Step a millisecond at a time until a quiet moment.
    for (let k = 0; k < 10_000 && inst.session.inFlight > 0; k++) {
      clock.ms += 0.1;
      inst.pump();
    }
    expect(inst.session.inFlight).toBe(0);
    expect(inst.snapshot().markets[0]?.position).toBeCloseTo(inst.session.exchangePositions()[0] ?? NaN, 9);
  });

  it('cancels our orders at the seam: what works after it was placed after it', () => {
    const { inst, clock } = instance();
    let before: number[] = [];
    pumpSteps(inst, clock, 40, 200, MAX_POSITION, () => {
      if (inst.snapshot().loops === 0) before = inst.session.engine.workingOrders().map((o) => o.id);
    });
    expect(inst.snapshot().loops).toBe(1);
    expect(before.length).toBeGreaterThan(0);
    const now = inst.session.engine.workingOrders();
    expect(now.length).toBeGreaterThan(0);
    for (const o of now) expect(o.id).toBeGreaterThan(Math.max(...before));
  });
});

describe('paper instance: hot-swap', () => {
  it('swaps between two events: no event lost or seen twice, and the new plan quotes from then on', () => {
    const a = instance({ latency: latency() });
    const ref = instance({ latency: latency() });
    const steps = (n: number): void => {
      for (let k = 0; k < n; k++) {
        a.clock.ms += 100;
        ref.clock.ms += 100;
        a.inst.pump();
        ref.inst.pump();
        const sa = a.inst.snapshot();
        // The same events, one by one, whatever plan runs.
        expect(sa.eventsProcessed).toBe(ref.inst.snapshot().eventsProcessed);
        withinLimit(a.inst, MAX_POSITION);
      }
    };
    steps(50);
    const before = a.inst.snapshot();
    const swap = a.inst.swap(planB);
    expect(swap).toEqual({ from: planA.hash, to: planB.hash, atEventNs: before.eventTimeNs });
    const right = a.inst.snapshot();
    expect(right.eventsProcessed).toBe(before.eventsProcessed);
    expect(right.planHash).toBe(planB.hash);
    expect(right.swaps).toEqual([swap]);
    steps(30);
    const after = a.inst.snapshot();
    const m = after.markets[0];
    if (!m?.mid) throw new Error('no mid');
    const quotes = [...m.working.bids, ...m.working.asks];
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) {
      expect(q.planHash).toBe(planB.hash);
      // Five basis points from the mid (± the 0.5 bp refresh tolerance and the move since).
      const bps = (Math.abs(q.price - m.mid) / m.mid) * 1e4;
      expect(bps).toBeGreaterThan(3.5);
      expect(bps).toBeLessThan(6.5);
    }
    expect(m.explain?.planHash).toBe(planB.hash);
    expect(after.params.half_spread).toBeCloseTo(0.0005, 12);
    // Swapping back is the same operation.
    expect(a.inst.swap(planA).to).toBe(planA.hash);
  });

  it('refuses a plan for other markets and leaves the running one untouched', () => {
    const { inst } = instance();
    const other = tightPlan();
    other.markets[0] = { ...other.markets[0]!, symbol: 'ETH/USDT', base: 'ETH' };
    expect(() => inst.swap(other)).toThrow(/same markets/);
    expect(inst.snapshot().planHash).toBe(planA.hash);
  });
});

describe('paper instance: kill switch', () => {
  it('halts and cancels everything in the same step; nothing new is placed until resume', () => {
    const { inst, clock } = instance({ latency: latency() });
    pumpSteps(inst, clock, 20, 100);
    const live = inst.snapshot();
    expect(live.markets[0]!.working.bids.length + live.markets[0]!.working.asks.length).toBeGreaterThan(0);
    inst.kill('operator pressed the button');
    const killed = inst.snapshot();
    expect(killed.risk.state).toBe('halted');
    expect(killed.markets[0]!.working).toEqual({ bids: [], asks: [] });
    expect(killed.risk.transitions.at(-1)?.reason).toMatch(/kill switch: operator pressed the button/);
    pumpSteps(inst, clock, 50, 100);
    const later = inst.snapshot();
    expect(later.counts.placed).toBe(killed.counts.placed);
    expect(later.counts.amended).toBe(killed.counts.amended);
    expect(later.markets[0]!.working).toEqual({ bids: [], asks: [] });
    expect(later.risk.state).toBe('halted');
    // The cancels have reached the venue: nothing of ours rests there.
    expect([...inst.session.exchange.restingOrders]).toEqual([]);
    inst.resume('all clear');
    pumpSteps(inst, clock, 10, 100);
    const resumed = inst.snapshot();
    expect(resumed.risk.state).toBe('active');
    expect(resumed.counts.placed).toBeGreaterThan(later.counts.placed);
  });
});

describe('paper instance: determinism', () => {
  const irregularRun = (market: PaperInstanceOptions['market']): string[] => {
    const clock = new FakeClock();
    const inst = new PaperInstance({ id: 'det', plan: planA, market, clock: clock.now, latency: latency() });
    const rng = new Rng(99);
    const out: string[] = [];
    for (let k = 0; k < 120; k++) {
      clock.ms += Math.floor(rng.next() * 400);
      inst.pump();
      withinLimit(inst, MAX_POSITION);
      if (k === 40) inst.swap(planB);
      if (k === 70) inst.kill('drill');
      if (k === 90) inst.resume('drill over');
      if (k % 3 === 0) out.push(JSON.stringify(inst.snapshot()));
    }
    return out;
  };

  it('gives identical snapshots for the same plan, market and pump times (simulated market)', () => {
    const market = { kind: 'simulated', seed: 5, speed: 20, spanSec: 60 } as const;
    expect(irregularRun(market)).toEqual(irregularRun(market));
  });

  it('gives identical snapshots for the same plan, market and pump times (replayed batch)', () => {
    const batch = simulateMarket({ markets: [{ venue: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, lotSize: 0.00001, startPrice: 60_000 }], seed: 8, durationSec: 60 });
    const market = { kind: 'replay', batch, speed: 20 } as const;
    const a = irregularRun(market);
    expect(a).toEqual(irregularRun(market));
    expect(new Set(a).size).toBeGreaterThan(30);
  });
});

describe('paper instance: snapshot', () => {
  it('is plain JSON with every field, nulls where there is no number yet', () => {
    const clock = new FakeClock();
    const fresh = new PaperInstance({ id: 'fresh', plan: planA, market: { kind: 'simulated', seed: 1, spanSec: 30 }, clock: clock.now });
    const empty = fresh.snapshot();
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
    expect(empty.markets[0]).toMatchObject({ alias: 'm', key: 'binance:BTC/USDT', bestBid: null, bestAsk: null, mid: null, position: 0, explain: null });
    expect(empty.eventsProcessed).toBe(0);

    const { inst, clock: c2 } = instance({ latency: latency() });
    pumpSteps(inst, c2, 100, 100);
    const s = inst.snapshot();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(Object.keys(s).sort()).toEqual(
      ['counts', 'error', 'eventTime', 'eventTimeNs', 'eventsProcessed', 'id', 'lastFills', 'loops', 'market', 'markets', 'params', 'planHash', 'pnl', 'risk', 'scenario', 'status', 'strategy', 'swaps'].sort(),
    );
    expect(s).toMatchObject({ id: 'paper-1', planHash: planA.hash, strategy: { name: 'paper-test', version: 1 }, status: 'idle', error: null, scenario: 'normal' });
    expect(s.market).toEqual({ kind: 'simulated', speed: 10, source: 'simulated (seed 42)' });
    expect(Object.keys(s.pnl).sort()).toEqual(['daily', 'fees', 'realized', 'total', 'unrealized', 'volume']);
    expect(Object.keys(s.counts).sort()).toEqual(['amended', 'cancelled', 'fills', 'placed', 'rejected', 'throttled', 'venueRejected']);
    expect(s.params).toEqual({ half_spread: 0.00005, order_size: 0.01, max_position: MAX_POSITION });
    const m = s.markets[0];
    if (!m || m.mid === null || m.bestBid === null || m.bestAsk === null) throw new Error('no book');
    expect(m.bestBid).toBeLessThan(m.bestAsk);
    expect(m.explain).not.toBeNull();
    expect(m.explain?.market).toBe('m');
    expect(s.counts.fills).toBeGreaterThan(0);
    expect(s.lastFills.length).toBe(Math.min(20, s.counts.fills));
    const f = s.lastFills.at(-1);
    expect(f).toMatchObject({ market: 'binance:BTC/USDT', alias: 'm', planHash: planA.hash });
    expect(['buy', 'sell']).toContain(f?.side);
    expect(f?.time).toBe(new Date(Date.UTC(2024, 0, 1) + (f?.tNs ?? 0) / 1e6).toISOString());
    // Fees: a maker rebate of half a basis point.
    expect(s.pnl.fees).toBeLessThan(0);
    // Working orders best first on both sides.
    const prices = (xs: Array<{ price: number }>) => xs.map((x) => x.price);
    expect(prices(m.working.bids)).toEqual([...prices(m.working.bids)].sort((x, y) => y - x));
    expect(prices(m.working.asks)).toEqual([...prices(m.working.asks)].sort((x, y) => x - y));
  });

  it('is cheap: a thousand snapshots take well under a second', () => {
    const { inst, clock } = instance();
    pumpSteps(inst, clock, 20, 100);
    const started = performance.now();
    for (let k = 0; k < 1000; k++) inst.snapshot();
    // A generous bound (CI machines are slow); in practice a snapshot takes microseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('paper instance: updates and failures', () => {
  it("fires 'update' at most every 250 ms of wall time while pumping, and after control actions", () => {
    const { inst, clock } = instance();
    const seen: PaperSnapshot[] = [];
    const off = inst.on('update', (s) => seen.push(s));
    pumpSteps(inst, clock, 40, 50);
    // Two seconds of pumps every 50 ms: one update per 250 ms.
    expect(seen.length).toBe(8);
    inst.kill('test');
    expect(seen.at(-1)?.risk.state).toBe('halted');
    off();
    pumpSteps(inst, clock, 20, 50);
    expect(seen.length).toBe(9);
  });

  it('stops with status failed when the runtime throws, reports it, and never throws out of pump', () => {
    let calls = 0;
    const flaky: LatencyModel = {
      description: 'fails on the 200th message',
      sample: () => {
        if (++calls === 200) throw new Error('link down');
        return 1e6;
      },
    };
    const { inst, clock } = instance({ latency: { feed: flaky, order: new ConstantLatency(1e6), response: new ConstantLatency(1e6) } });
    const errors: Error[] = [];
    const updates: PaperSnapshot[] = [];
    inst.on('error', (e) => errors.push(e));
    inst.on('update', (s) => updates.push(s));
    inst.on('update', () => {
      throw new Error('a broken listener');
    });
    expect(() => {
      for (let k = 0; k < 50; k++) {
        clock.ms += 100;
        inst.pump();
      }
    }).not.toThrow();
    expect(inst.status).toBe('failed');
    expect(errors.map((e) => e.message)).toEqual(['link down']);
    const s = inst.snapshot();
    expect(s.status).toBe('failed');
    expect(s.error).toBe('link down');
    expect(updates.at(-1)?.status).toBe('failed');
    const t = s.eventTimeNs;
    clock.ms += 1000;
    inst.pump();
    expect(inst.snapshot().eventTimeNs).toBe(t);
    expect(() => inst.start()).toThrow(/failed: link down/);
    expect(() => inst.swap(planB)).toThrow(/failed/);
    expect(() => inst.kill('anyway')).not.toThrow();
  });

  it('fails quietly without an error listener', () => {
    const boom: LatencyModel = {
      description: 'always fails',
      sample: () => {
        throw new Error('no route');
      },
    };
    const clock = new FakeClock();
    const inst = new PaperInstance({ id: 'x', plan: planA, market: { kind: 'simulated', seed: 1, spanSec: 30 }, clock: clock.now, latency: { feed: new ConstantLatency(0), order: boom, response: new ConstantLatency(0) } });
    for (let k = 0; k < 20; k++) {
      clock.ms += 100;
      inst.pump();
    }
    expect(inst.status).toBe('failed');
    expect(inst.snapshot().error).toBe('no route');
  });
});
