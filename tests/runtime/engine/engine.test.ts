// The engine's properties on random streams: determinism, limits that hold whatever fills, halts
// that cancel within the same event, and hot-swap equivalence.
import { describe, expect, it } from 'vitest';
import type { OrderAction } from '../../../runtime/engine.js';
import { Side } from '../../../runtime/events.js';
import { identity, logLine, makeEngine, planFrom, randomStream, replayWithFills } from './harness.js';

const strategy = (risk: string, extra = '', quote = ''): string => `strategy "prop" version 1 {
  market m = sim:"BTC/USDT"
  params {
    half_spread  = 4 bps      in [1 bps, 50 bps]
    order_size   = 0.05 BTC   in [0.01 BTC, 0.2 BTC]
    levels       = 3          in [1, 5]
    max_position = 0.3 BTC    in [0.05 BTC, 1 BTC]
  }
  signal vol = ewm_stdev(returns(m.mid), halflife: 10s)
  fair = m.microprice
  ${extra}
  quote m {
    skew = clamp(position / max_position, -1, 1) * half_spread * fair
    bid  = fair - half_spread * fair - skew
    ask  = fair + half_spread * fair - skew
    size = order_size
    ladder levels step 2 bps
    refresh when moved > 0.5 bps or every 3s
    min_interval 100ms
    ${quote}
  }
  risk {
    ${risk}
  }
}`;

const defaultRisk = `position abs <= max_position -> reduce_only
    orders <= 15 per 1s -> throttle
    price within 30 bps of m.mid -> reject`;

describe('engine on random streams', () => {
  it('is deterministic: same plan and events give a byte-identical action log', () => {
    const plan = planFrom(strategy(defaultRisk));
    const run = (): string => {
      const log: string[] = [];
      const e = makeEngine(plan, (a) => log.push(logLine(a)));
      replayWithFills(e, randomStream({ seed: 11, messages: 3000 }), { seed: 5, fillProbability: 0.2 });
      return log.join('\n');
    };
    const a = run();
    expect(a.length).toBeGreaterThan(1000);
    expect(run()).toBe(a);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`holds position, price-band and order-rate limits whatever fills (seed ${seed})`, () => {
      const plan = planFrom(strategy(defaultRisk));
      const limit = 0.3;
      const orderSize = 0.05;
      const actions: Array<OrderAction & { mid: number }> = [];
      let maxAbs = 0;
      const e = makeEngine(plan, (a) => actions.push({ ...a, mid: e.view(0)?.mid ?? NaN }));
      replayWithFills(e, randomStream({ seed, messages: 4000, jumpEvery: 500 }), {
        seed: seed * 7,
        fillProbability: 0.35,
        after: () => {
          maxAbs = Math.max(maxAbs, Math.abs(e.position(0)));
        },
      });
      expect(e.stats.actions.place).toBeGreaterThan(10);
      // Position: never beyond its limit plus one order's size.
      expect(maxAbs).toBeLessThanOrEqual(limit + orderSize + 1e-9);
      // Price band: no order more than 30 bps from the mid at the time it was sent.
      for (const a of actions) {
        if (a.kind === 'cancel') continue;
        expect(Math.abs(a.price - a.mid) / a.mid).toBeLessThanOrEqual(0.003 + 1e-9);
      }
      // Order rate: at most 15 places/amends in any 1 s window.
      const times = actions.filter((a) => a.kind !== 'cancel').map((a) => a.tNs);
      for (let i = 0; i + 15 < times.length; i++) expect((times[i + 15] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(1e9);
      expect(e.stats.throttled).toBeGreaterThan(0);
    });
  }

  it('halts on the daily loss limit and cancels every working order within the same event', () => {
    const plan = planFrom(strategy(`${defaultRisk}\n    loss daily <= 30 USDT -> halt`));
    const cancels: OrderAction[] = [];
    const e = makeEngine(plan, (a) => {
      if (a.kind === 'cancel') cancels.push(a);
    });
    let haltedAt = NaN;
    replayWithFills(e, randomStream({ seed: 9, messages: 6000, jumpEvery: 300 }), {
      seed: 3,
      fillProbability: 0,
      model: 'cross',
      after: () => {
        if (Number.isNaN(haltedAt) && e.riskState === 'halted') {
          haltedAt = e.now;
          expect(e.workingOrders()).toEqual([]);
        }
      },
    });
    expect(e.riskState).toBe('halted');
    const t = e.stats.riskTransitions.find((x) => x.to === 'halted');
    expect(t?.rule).toBe('risk/3');
    expect(t?.tNs).toBe(haltedAt);
    // Nothing is placed after the halt.
    expect(e.workingOrders()).toEqual([]);
    expect(cancels.some((c) => c.tNs === haltedAt)).toBe(true);
  });

  it('the kill switch halts at once and only resume lifts it', () => {
    const plan = planFrom(strategy(defaultRisk));
    const e = makeEngine(plan, () => undefined);
    const batch = randomStream({ seed: 4, messages: 200 });
    e.replay(batch, identity(1), 0, batch.length / 2);
    expect(e.workingOrders().length).toBeGreaterThan(0);
    e.kill('operator');
    expect(e.riskState).toBe('halted');
    expect(e.workingOrders()).toEqual([]);
    e.replay(batch, identity(1), batch.length / 2, batch.length);
    expect(e.workingOrders()).toEqual([]);
    e.resume('operator');
    e.replay(randomStream({ seed: 4, messages: 10 }), identity(1));
    expect(e.riskState).toBe('active');
  });
});

describe('hot-swap', () => {
  const planA = planFrom(strategy(defaultRisk));
  const planB = planFrom(strategy(defaultRisk).replace('half_spread  = 4 bps', 'half_spread  = 7 bps').replace('levels       = 3', 'levels       = 2'));

  it('from the swap on, produces exactly the orders of the new plan started from the same state, losing no event', () => {
    const batch = randomStream({ seed: 21, messages: 3000 });
    const cut = Math.floor(batch.length / 2);
    const swapped: string[] = [];
    const a = makeEngine(planA, (x) => swapped.push(logLine(x)));
    replayWithFills(a, batch, { seed: 1, fillProbability: 0.2, to: cut });
    const before = swapped.length;
    const state = a.exportState();
    a.swap(planB);

    const fresh: string[] = [];
    const b = makeEngine(planB, (x) => fresh.push(logLine(x)));
    // The new plan's books start from the same market state: replay the first half without acting.
    b.replay(batch, identity(1), 0, cut);
    b.importState(JSON.parse(JSON.stringify(state)), { carrySignals: true });
    fresh.length = 0;

    replayWithFills(a, batch, { seed: 2, fillProbability: 0.2, from: cut });
    replayWithFills(b, batch, { seed: 2, fillProbability: 0.2, from: cut });
    const after = swapped.slice(before);
    expect(after.length).toBeGreaterThan(50);
    expect(after).toEqual(fresh);
    expect(a.stats.events).toBe(batch.length);
    expect(after.every((l) => !l.includes(planA.hash))).toBe(true);
    expect(a.stats.swaps).toEqual([{ tNs: batch.exchTs[cut - 1], from: planA.hash, to: planB.hash }]);
  });

  it('swapping back (rollback) is the same operation', () => {
    const batch = randomStream({ seed: 22, messages: 1500 });
    const e = makeEngine(planA, () => undefined);
    const third = Math.floor(batch.length / 3);
    e.replay(batch, identity(1), 0, third);
    e.swap(planB);
    e.replay(batch, identity(1), third, 2 * third);
    e.swap(planA);
    e.replay(batch, identity(1), 2 * third, batch.length);
    expect(e.plan.hash).toBe(planA.hash);
    expect(e.workingOrders().every((o) => o.planHash === planA.hash || o.planHash === planB.hash)).toBe(true);
    expect(e.stats.swaps.map((s) => s.to)).toEqual([planB.hash, planA.hash]);
  });

  it('refuses a plan with other markets', () => {
    const other = planFrom(`strategy "x" version 1 {
  market x = sim:"BTC/USDT"
  quote x { bid = x.bid ask = x.ask size = 0.01 BTC }
  risk { position abs <= 1 BTC -> halt }
}`);
    const e = makeEngine(planA, () => undefined);
    expect(() => e.swap(other)).toThrow(/same markets/);
  });
});

describe('sides', () => {
  it('in reduce-only state places only orders that reduce the position', () => {
    const plan = planFrom(strategy(defaultRisk));
    const placed: Array<{ side: number; position: number }> = [];
    const e = makeEngine(plan, (a) => {
      if (a.kind === 'place' && e.riskState === 'reduce_only') placed.push({ side: a.side, position: e.position(0) });
    });
    replayWithFills(e, randomStream({ seed: 8, messages: 4000 }), { seed: 8, fillProbability: 0.6, partial: false });
    expect(e.stats.riskTransitions.some((t) => t.to === 'reduce_only')).toBe(true);
    expect(e.stats.riskTransitions.some((t) => t.from === 'reduce_only' && t.to === 'active')).toBe(true);
    expect(placed.length).toBeGreaterThan(0);
    for (const p of placed) expect(p.side).toBe(p.position > 0 ? Side.Ask : Side.Bid);
  });
});
