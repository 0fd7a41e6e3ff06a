// The steppable backtest: advancing in chunks gives exactly what one run gives, and a looping replay
// keeps event time going forward through its seams, treated as a venue reconnect.
import { describe, expect, it } from 'vitest';
import { runBacktest, BacktestSession, type BacktestResult } from '../../../runtime/backtest/backtest.js';
import { NotionalFees } from '../../../runtime/backtest/fees.js';
import { parseLatency } from '../../../runtime/backtest/latency.js';
import { Random } from '../../../runtime/backtest/random.js';
import { planFrom, randomStream, Rng } from '../engine/harness.js';

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

const batch = randomStream({ seed: 5, messages: 3000, jumpEvery: 300 });
const options = () => ({ latency: parseLatency('feed=lognormal(2ms,0.5),order=lognormal(5ms,0.5),response=5ms', new Random(3)), fees: new NotionalFees(-0.0001, 0.0004), sampleEveryNs: 2.5e8 });

/** Everything a run produces, as one comparable string (wall time left out). */
function fingerprint(r: BacktestResult): string {
  const { wallMs: _wall, engine, plan: _plan, ...rest } = r;
  return JSON.stringify({ rest, stats: engine.stats, state: engine.exportState() });
}

describe('BacktestSession', () => {
  it('gives bit-for-bit the result of one run when advanced in chunks of any size', () => {
    const whole = fingerprint(runBacktest(plan, batch, options()));
    const first = batch.exchTs[0] ?? 0;
    const last = batch.exchTs[batch.length - 1] ?? 0;
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const s = new BacktestSession(plan, batch, options());
      let t = first - 1e6;
      while (t < last + 1e9) {
        // Chunks from a nanosecond to a few seconds, some ending exactly on event times.
        t += rng.next() < 0.2 ? 1 : rng.next() * 3e9;
        if (rng.next() < 0.2) t = Math.max(t, batch.exchTs[Math.floor(rng.next() * batch.length)] ?? t);
        s.advanceTo(t);
        expect(s.now).toBe(Math.max(t, first));
      }
      expect(fingerprint(s.runToEnd())).toBe(whole);
    }
  });

  it('stops exactly at the limit: nothing later than it has happened', () => {
    const s = new BacktestSession(plan, batch, {});
    const mid = batch.exchTs[Math.floor(batch.length / 2)] ?? 0;
    s.advanceTo(mid);
    expect(s.now).toBe(mid);
    expect(s.engine.now).toBeLessThanOrEqual(mid);
    const seen = batch.exchTs.subarray(0, batch.length).filter((t) => t <= mid).length;
    expect(s.engine.stats.events).toBe(seen);
  });

  it('drains fills for long runs; the counts still cover every fill', () => {
    const s = new BacktestSession(plan, batch, options());
    const drained = [];
    for (let t = batch.exchTs[0] ?? 0; !s.done; t += 5e9) {
      s.advanceTo(t);
      drained.push(...s.drainFills());
    }
    const whole = runBacktest(plan, batch, options());
    expect(drained.length).toBe(whole.fills.length);
    expect(s.fillCount).toBe(whole.fills.length);
    expect(JSON.stringify(drained)).toBe(JSON.stringify(whole.fills));
  });
  it('keeps quote explanations only when asked, with the same decisions either way', () => {
    const plain = new BacktestSession(plan, batch, options()).runToEnd();
    const explained = new BacktestSession(plan, batch, { ...options(), explanations: true }).runToEnd();
    expect(plain.engine.stats.quoteUpdates).toBeGreaterThan(0);
    expect(plain.engine.explanation(0)).toBeUndefined();
    const why = explained.engine.explanation(0);
    expect(why?.tNs).toBeGreaterThan(0);
    expect(fingerprint(explained)).toBe(fingerprint(plain));
  });
});

describe('BacktestSession with a replay loop', () => {
  const short = randomStream({ seed: 9, messages: 400, jumpEvery: 100 });
  const span = (short.exchTs[short.length - 1] ?? 0) - (short.exchTs[0] ?? 0);
  const gap = 1e9;

  it('replays the data again and again with event time increasing; the seam is a reconnect', () => {
    const s = new BacktestSession(plan, short, { latency: parseLatency('feed=1ms,order=5ms,response=5ms', new Random(1)), loop: { gapNs: gap }, sampleEveryNs: Infinity });
    const start = short.exchTs[0] ?? 0;
    let lastEngineNow = -Infinity;
    const positions: number[] = [];
    for (let t = start; t < start + 4.5 * (span + gap); t += 0.3e9) {
      s.advanceTo(t);
      expect(s.engine.now).toBeGreaterThanOrEqual(lastEngineNow);
      lastEngineNow = s.engine.now;
      for (const f of s.drainFills()) positions.push(f.positionAfter);
      expect(Math.abs(s.engine.position(0))).toBeLessThanOrEqual(0.3 + 1e-9);
    }
    expect(s.loops).toBe(4);
    expect(s.done).toBe(false);
    // Every row of every pass was seen once: four whole passes and a part of the fifth.
    const inFifth = short.exchTs.subarray(0, short.length).filter((x) => x + 4 * (span + gap) + 1e6 <= s.now).length;
    expect(s.engine.stats.events).toBe(4 * short.length + inFifth);
    // The strategy cancelled what it had at each seam.
    expect(s.engine.stats.actions.cancel).toBeGreaterThanOrEqual(4);
    expect(positions.length).toBeGreaterThan(10);
  });

  it('cancels resting orders at the exchange at the seam, so the price jump fills nothing', () => {
    const s = new BacktestSession(plan, short, { loop: { gapNs: gap }, sampleEveryNs: Infinity });
    s.advanceTo(short.exchTs[short.length - 1] ?? 0);
    const lastPass = [...s.exchange.restingOrders].map((o) => o.id);
    expect(lastPass.length).toBeGreaterThan(0);
    const fillsBefore = s.fillCount;
    const seam = (short.exchTs[0] ?? 0) + span + gap;
    s.advanceTo(seam);
    // Zero latency: the reconnect, the new books and the new quotes all happened at the seam.
    const resting = [...s.exchange.restingOrders].map((o) => o.id);
    expect(resting.length).toBeGreaterThan(0);
    for (const id of resting) expect(id).toBeGreaterThan(Math.max(...lastPass));
    expect(s.fillCount).toBe(fillsBefore);
    expect(s.loops).toBe(1);
    expect(s.engine.stats.events).toBe(short.length + short.exchTs.subarray(0, short.length).filter((x) => x === short.exchTs[0]).length);
    // Engine and exchange agree on what is working (nothing in flight).
    expect(s.inFlight).toBe(0);
    expect(s.engine.workingOrders().map((o) => o.id).sort()).toEqual([...resting].sort());
  });

  it('refuses a loop without a positive gap, and runToEnd on a loop', () => {
    expect(() => new BacktestSession(plan, short, { loop: { gapNs: 0 } })).toThrow(/gap/);
    expect(() => new BacktestSession(plan, short, { loop: { gapNs: 1e9 } }).runToEnd()).toThrow(/no end/);
  });
});
