// Latency models refuse values that describe a venue that is down rather than slow: a latency over a
// minute (or a log-normal whose tail reaches years) would have a backtest spend its memory on the
// empty clock — one mark sample per second of event time — instead of finishing or failing.
import { describe, expect, it } from 'vitest';
import { MAX_LATENCY_NS, parseLatency } from '../../../runtime/backtest/latency.js';
import { Random } from '../../../runtime/backtest/random.js';

describe('latency limits', () => {
  it('refuses constant latencies over a minute and log-normal medians over a minute, naming the value', () => {
    expect(() => parseLatency('10000000s', new Random(1))).toThrow(/latency 10000000 s is over the 60 s limit/);
    expect(() => parseLatency('order=61s', new Random(1))).toThrow(/over the 60 s limit/);
    expect(() => parseLatency('lognormal(120s,0.5)', new Random(1))).toThrow(/median 120 s is over the 60 s limit/);
    expect(parseLatency('feed=60s', new Random(1)).feed.sample(0)).toBe(60e9);
  });

  it('refuses a leg given twice', () => {
    expect(() => parseLatency('feed=1ms,feed=5ms', new Random(1))).toThrow(/--latency: feed is given twice/);
  });

  it('refuses a log-normal sigma over 3 and cuts the tail of an allowed one at the limit', () => {
    expect(() => parseLatency('lognormal(5ms,10)', new Random(1))).toThrow(/sigma 10 is over 3/);
    const wide = parseLatency('lognormal(10s,3)', new Random(7)).order;
    let max = 0;
    for (let k = 0; k < 100_000; k++) max = Math.max(max, wide.sample(0));
    // e^(3·4.4) × 10 s is years; every draw stays at or under a minute, and the cap is reached.
    expect(max).toBe(MAX_LATENCY_NS);
  });
});
