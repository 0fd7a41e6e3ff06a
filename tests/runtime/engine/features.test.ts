// Hedging, adaptation, explanations and balances, on synthetic streams where the expected outcome
// can be worked out by hand.
import { describe, expect, it } from 'vitest';
import type { OrderAction } from '../../../runtime/engine.js';
import { Side } from '../../../runtime/events.js';
import { identity, makeEngine, planFrom, randomStream, replayWithFills } from './harness.js';

describe('hedging', () => {
  const plan = planFrom(`strategy "hedge" version 1 {
  market s = sim:"BTC/USDT"
  market p = sim:"ETH/USDT" { lot = 0.001 }
  params {
    order_size = 0.05 BTC
    max_position = 0.5 BTC
  }
  quote s {
    bid = s.mid * (1 - 3 bps)
    ask = s.mid * (1 + 3 bps)
    size = order_size
  }
  hedge s when abs(s.position) > 0.1 BTC {
    on p
    ratio 2
    target 0 ETH
    via taker
    slippage 5 bps
  }
  risk {
    position s abs <= max_position -> reduce_only
    position p abs <= 2 ETH -> reject
  }
}`);

  it('sends taker orders on the hedge market, sized to bring ratio × source + hedge to the target', () => {
    const hedges: Array<Extract<OrderAction, { kind: 'place' }>> = [];
    const e = makeEngine(plan, (a) => {
      if (a.kind === 'place' && a.hedge) hedges.push(a);
    });
    const batch = randomStream({ seed: 3, messages: 400, markets: 2 });
    // Buy 0.15 BTC on s by filling our bids; the hedge should sell 0.3 ETH on p.
    let filled = 0;
    replayWithFills(e, batch, {
      seed: 1,
      fillProbability: 0,
      after: () => {
        if (filled >= 3) return;
        const bid = e.workingOrders().find((o) => o.market === 0 && o.side === Side.Bid);
        if (bid) {
          e.onFill(bid.id, bid.qty, bid.price, 0, e.now);
          filled++;
        }
        const hedge = e.workingOrders().find((o) => o.hedge);
        if (hedge) e.onFill(hedge.id, hedge.qty, hedge.price, 0, e.now);
      },
    });
    expect(e.position(0)).toBeCloseTo(0.15, 9);
    expect(hedges.length).toBeGreaterThan(0);
    const first = hedges[0];
    expect(first?.market).toBe(1);
    expect(first?.side).toBe(Side.Ask);
    // Net exposure after hedging: 2 × 0.15 BTC + hedge position ≈ 0.
    expect(2 * e.position(0) + e.position(1)).toBeCloseTo(0, 9);
    // A taker sell is priced at most 5 bps under the bid it hits.
    for (const h of hedges) expect(h.price).toBeGreaterThanOrEqual(Math.floor((e.view(1)?.bid ?? 0) * (1 - 0.0005) * 100) / 100 - 1);
  });

  it('hedge orders pass the risk gate: a hedge over the hedge market limit is refused', () => {
    const tight = planFrom(plan.sourceMap.file === '' ? '' : `strategy "hedge" version 1 {
  market s = sim:"BTC/USDT"
  market p = sim:"ETH/USDT" { lot = 0.001 }
  params { order_size = 0.05 BTC
    max_position = 0.5 BTC }
  quote s { bid = s.mid * (1 - 3 bps)  ask = s.mid * (1 + 3 bps)  size = order_size }
  hedge s when abs(s.position) > 0.1 BTC { on p ratio 40 target 0 ETH via taker }
  risk { position s abs <= max_position -> reduce_only
    position p abs <= 2 ETH -> reject }
}`);
    const e = makeEngine(tight, () => undefined);
    replayWithFills(e, randomStream({ seed: 3, messages: 300, markets: 2 }), {
      seed: 1,
      fillProbability: 0,
      after: () => {
        const bid = e.workingOrders().find((o) => o.market === 0 && o.side === Side.Bid);
        if (bid && e.position(0) < 0.15) e.onFill(bid.id, bid.qty, bid.price, 0, e.now);
      },
    });
    expect(e.position(0)).toBeGreaterThan(0.1);
    expect(e.workingOrders().filter((o) => o.hedge)).toEqual([]);
    expect(e.stats.rejected).toBeGreaterThan(0);
  });
});

describe('adaptation', () => {
  it('moves a param toward its target inside the approved range, and records every move', () => {
    const plan = planFrom(`strategy "adapt" version 1 {
  market m = sim:"BTC/USDT"
  params {
    half_spread = 5 bps in [2 bps, 9 bps]
    levels = 1 in [1, 4]
    order_size = 0.01 BTC in [0.001 BTC, 0.05 BTC]
  }
  adapt half_spread toward 8 bps within its bounds every 10s rate 0.5
  adapt order_size toward 1 BTC within [0.005 BTC, 0.02 BTC] every 10s
  adapt levels toward 2.6 within [1, 3] every 10s
  quote m {
    bid = m.mid * (1 - half_spread)
    ask = m.mid * (1 + half_spread)
    size = order_size
    ladder levels step 1 bps
  }
  risk { position abs <= 1 BTC -> halt }
}`);
    const e = makeEngine(plan, () => undefined);
    e.replay(randomStream({ seed: 2, messages: 2000 }), identity(1));
    const moves = e.stats.paramMoves;
    const spread = moves.filter((m) => m.param === 'half_spread');
    // Half the gap each step: 5 → 6.5 → 7.25 → 7.625 bps …
    expect(spread.slice(0, 3).map((m) => Math.round(m.to * 1e8) / 1e8)).toEqual([0.00065, 0.000725, 0.0007625]);
    // A target beyond the range stops at its edge: order_size toward 1 BTC stops at 0.02 BTC.
    expect(moves.filter((m) => m.param === 'order_size').map((m) => m.to)).toEqual([0.02]);
    expect(spread.every((m) => m.to <= 0.0009 + 1e-12 && m.to >= 0.0002)).toBe(true);
    expect(spread.every((m, i) => i === 0 || m.tNs - (spread[i - 1]?.tNs ?? 0) >= 10e9)).toBe(true);
    // A whole-number param moves in whole numbers: 1 → 3 (2.6 rounded), then stays.
    expect(moves.filter((m) => m.param === 'levels').map((m) => m.to)).toEqual([3]);
    expect(e.params[plan.params.findIndex((p) => p.name === 'levels')]).toBe(3);
  });
});

describe('explain', () => {
  it('explains a quote: fair value, named parts, raw and final prices, limits that bit, with source ranges', () => {
    const plan = planFrom(`strategy "explain" version 1 {
  market m = sim:"BTC/USDT"
  params {
    half_spread = 5 bps in [1 bps, 50 bps]
    order_size = 0.01 BTC
  }
  fair = m.microprice
  quote m {
    lean = 0 * fair
    half = half_spread * fair
    bid = fair - half - lean
    ask = fair + half - lean
    size = order_size
  }
  risk {
    position abs <= 1 BTC -> halt
    price within 2 bps of m.mid -> reject
  }
}`);
    const e = makeEngine(plan, () => undefined);
    e.replay(randomStream({ seed: 5, messages: 50 }), identity(1));
    const x = e.explanation(0);
    expect(x).toBeDefined();
    if (!x) return;
    expect(x.fair?.name).toBe('fair');
    expect(x.fair?.range?.[0]).toBe(7);
    expect(x.parts.map((p) => p.name)).toEqual(['lean', 'half']);
    expect(x.parts[1]?.range).toEqual([10, 12, 10, 29]);
    expect(x.raw.bid.range).toEqual([11, 11, 11, 28]);
    expect(x.raw.bid.value).toBeCloseTo((x.fair?.value ?? 0) - (x.parts[1]?.value ?? 0), 9);
    // 5 bps from the mid is outside the 2 bps band: both sides refused, and the explanation says why.
    expect(x.desired.bids).toHaveLength(1);
    expect(x.limits.map((l) => l.rule)).toEqual(['risk/1', 'risk/1']);
    expect(x.limits[0]?.range?.[0]).toBe(17);
    expect(e.workingOrders()).toEqual([]);
  });
});

describe('balances', () => {
  it('sums positions and cash per asset across markets', () => {
    const plan = planFrom(`strategy "b" version 1 {
  market a = sim:"BTC/USDT"
  market b = sim:"ETH/USDT"
  quote a { bid = a.bid ask = a.ask size = 0.01 BTC }
  quote b { bid = b.bid ask = b.ask size = 0.1 ETH }
  risk { position a abs <= 1 BTC -> halt
    position b abs <= 1 ETH -> halt }
}`);
    const e = makeEngine(plan, () => undefined);
    const batch = randomStream({ seed: 8, messages: 20, markets: 2 });
    e.replay(batch, identity(2));
    const [oa] = e.workingOrders().filter((o) => o.market === 0 && o.side === Side.Bid);
    const [ob] = e.workingOrders().filter((o) => o.market === 1 && o.side === Side.Ask);
    if (!oa || !ob) throw new Error('no orders');
    e.onFill(oa.id, 0.01, 100, 0.01, e.now);
    e.onFill(ob.id, 0.1, 10, 0.02, e.now);
    expect(e.balances()).toEqual({ BTC: 0.01, USDT: -1 - 0.01 + 1 - 0.02, ETH: -0.1 });
  });
});
