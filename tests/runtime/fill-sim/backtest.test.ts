// The backtest driver: latency legs, the strategy's and the exchange's views agreeing, determinism,
// and fills on real data.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/program.js';
import { runBacktest } from '../../../runtime/backtest/backtest.js';
import { NotionalFees } from '../../../runtime/backtest/fees.js';
import { ConstantLatency, parseLatency } from '../../../runtime/backtest/latency.js';
import { Random } from '../../../runtime/backtest/random.js';
import { openData } from '../../../runtime/data/open.js';
import { root } from '../../helpers.js';
import { planFrom, randomStream } from '../engine/harness.js';

const plan = planFrom(`strategy "bt" version 1 {
  market m = sim:"BTC/USDT"
  params {
    half_spread = 2 bps in [1 bps, 20 bps]
    order_size = 0.05 BTC
    max_position = 0.3 BTC
  }
  fair = m.microprice
  quote m {
    skew = clamp(position / max_position, -1, 1) * half_spread * fair
    bid = fair - half_spread * fair - skew
    ask = fair + half_spread * fair - skew
    size = order_size
    ladder 2 step 1 bps
    refresh when moved > 0.5 bps or every 2s
    min_interval 50ms
  }
  risk {
    position abs <= max_position -> reduce_only
    orders <= 20 per 1s -> throttle
  }
}`);

describe('backtest driver', () => {
  const batch = randomStream({ seed: 31, messages: 6000, jumpEvery: 400 });
  const lat = { feed: new ConstantLatency(2e6), order: new ConstantLatency(5e6), response: new ConstantLatency(7e6) };

  it('delivers fills after the response latency and keeps both sides agreed on the position', () => {
    const r = runBacktest(plan, batch, { latency: lat, fees: new NotionalFees(-0.0001, 0.0004) });
    expect(r.fills.length).toBeGreaterThan(20);
    for (const f of r.fills) expect(f.localNs - f.tNs).toBe(7e6);
    // Every report has been delivered by the end: the engine knows the position the exchange has.
    expect(r.engine.position(0)).toBeCloseTo(r.finalPositions[0] ?? NaN, 9);
    expect(Math.max(...r.fills.map((f) => Math.abs(f.positionAfter)))).toBeLessThanOrEqual(0.3 + 0.05 + 1e-9);
    // Maker fills get the rebate: fee = −1 bp of notional.
    for (const f of r.fills) if (f.liquidity === 'maker') expect(f.fee).toBeCloseTo(-f.price * f.qty * 0.0001, 9);
    expect(r.marks.length).toBeGreaterThan(250);
  });

  it('is reproducible: the same seed gives the same fills, with sampled latency too', () => {
    const once = (seed: number): string => JSON.stringify(runBacktest(plan, batch, { latency: parseLatency('feed=lognormal(2ms,0.5),order=lognormal(5ms,0.5),response=5ms', new Random(seed)) }).fills);
    expect(once(7)).toBe(once(7));
    expect(once(7)).not.toBe(once(8));
  });

  it('latency costs: fills with 0 latency differ from fills with 50 ms', () => {
    const fast = runBacktest(plan, batch, {});
    const slow = runBacktest(plan, batch, { latency: parseLatency('50ms', new Random(1)) });
    expect(fast.fills.length).toBeGreaterThan(0);
    expect(JSON.stringify(fast.fills)).not.toBe(JSON.stringify(slow.fills));
  });
});

const data = path.resolve(root, '../shared/data');
describe.skipIf(!existsSync(data))('backtest on real data', () => {
  it('Binance spot BTC/USDT with the A–S template: fills, marks, agreement of both sides', async () => {
    const { batch } = await openData([path.join(data, 'binance/spot/btcusdt_20240808.gz'), path.join(data, 'binance/spot/btcusdt_20240809.gz')]);
    const src = readFileSync(path.join(root, 'rulesets/avellaneda-stoikov.quoin'), 'utf8');
    const p = compile(src, { file: 'as.quoin' }).plan;
    if (!p) throw new Error('no plan');
    const r = runBacktest(p, batch, { latency: parseLatency('feed=1ms,order=5ms,response=5ms', new Random(1)), fees: new NotionalFees(-0.00005, 0.0002) });
    expect(r.events).toBe(batch.length);
    expect(r.fills.length).toBeGreaterThan(10);
    expect(r.engine.position(0)).toBeCloseTo(r.finalPositions[0] ?? NaN, 9);
    expect(r.marks.at(-1)?.tNs).toBe(batch.exchTs[batch.length - 1]);
  }, 60_000);
});
