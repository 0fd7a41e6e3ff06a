// Worked examples of the documented definitions, small enough to check by hand, and the numerical
// stability claims (prices around 60,000 with tiny variance).
import { describe, expect, it } from 'vitest';
import { createStateful } from '../../../runtime/signals/index.js';

const S = 1e9;

describe('returns', () => {
  it('gives ln(x / previous x), ticking only when x changes', () => {
    const r = createStateful('returns', {});
    const seen: Array<[number, boolean]> = [];
    for (const [i, x] of [100, 100, 101, 101, 99].entries()) {
      r.update(x, i * S);
      seen.push([r.value, r.ticked]);
    }
    expect(seen.map(([, t]) => t)).toEqual([false, false, true, false, true]);
    expect(seen.map(([v]) => v)).toEqual([NaN, NaN, Math.log(101 / 100), Math.log(101 / 100), Math.log(99 / 101)]);
  });
});

describe('ewm_mean, ewm_stdev, baseline', () => {
  it('weights an observation one half-life old by 1/2', () => {
    const m = createStateful('ewm_mean', { halflifeSec: 10 });
    const sd = createStateful('ewm_stdev', { halflifeSec: 10 });
    for (const s of [m, sd]) {
      s.update(0, 0);
      s.update(1, 10 * S);
    }
    expect(m.value).toBeCloseTo(2 / 3, 15);
    // weights 1/2 and 1 around the mean 2/3: (1/2·4/9 + 1·1/9) / (3/2) = 2/9
    expect(sd.value).toBeCloseTo(Math.sqrt(2 / 9), 15);
  });

  it('counts every observation made at the same time, and does not move on advance', () => {
    const m = createStateful('ewm_mean', { halflifeSec: 1 });
    for (const x of [1, 2, 6]) m.update(x, 5 * S);
    expect(m.value).toBe(3);
    m.advance(500 * S);
    expect(m.value).toBe(3);
  });

  it('needs two observations for a stdev', () => {
    const sd = createStateful('ewm_stdev', { halflifeSec: 1 });
    sd.update(5, 0);
    expect(sd.ready).toBe(false);
    expect(sd.value).toBeNaN();
    sd.update(5, 0);
    expect(sd.ready).toBe(true);
    expect(sd.value).toBe(0);
  });

  it('baseline(x, w) is ewm_mean(x, halflife w), bit for bit', () => {
    const b = createStateful('baseline', { windowSec: 30 });
    const m = createStateful('ewm_mean', { halflifeSec: 30 });
    let x = 1;
    for (let i = 0; i < 2000; i++) {
      x = (x * 48271) % 2147483647;
      b.update(x / 1e6, i * 0.37 * S);
      m.update(x / 1e6, i * 0.37 * S);
      expect(b.value).toBe(m.value);
    }
  });
});

describe('rolling windows are (t − window, t]', () => {
  it('drops an observation exactly one window old', () => {
    const fns = ['rolling_mean', 'rolling_min', 'rolling_max', 'rolling_stdev'] as const;
    const s = fns.map((fn) => createStateful(fn, { windowSec: 1 }));
    for (const x of s) {
      x.update(5, 0);
      x.update(7, 0.5 * S);
      x.advance(S - 1);
    }
    expect(s.map((x) => x.value)).toEqual([6, 5, 7, Math.SQRT2]);
    for (const x of s) x.advance(S);
    expect(s.map((x) => x.value)).toEqual([7, 7, 7, NaN]);
    for (const x of s) x.advance(1.5 * S);
    expect(s.map((x) => x.ready)).toEqual([false, false, false, false]);
    expect(s.map((x) => x.value)).toEqual([NaN, NaN, NaN, NaN]);
  });
});

describe('realized_vol', () => {
  it('is NaN before the first mid, 0 with no return in the window, sqrt(Σ r²) otherwise', () => {
    const v = createStateful('realized_vol', { windowSec: 10 });
    expect(v.value).toBeNaN();
    v.update(100, 0);
    expect(v.value).toBe(0);
    v.update(101, S);
    v.update(101, 2 * S);
    v.update(100, 3 * S);
    expect(v.value).toBeCloseTo(Math.hypot(Math.log(1.01), Math.log(100 / 101)), 15);
    v.advance(11.5 * S);
    expect(v.value).toBeCloseTo(Math.abs(Math.log(100 / 101)), 15);
    v.advance(13 * S);
    expect(v.value).toBe(0);
  });
});

describe('vwap, volume, trade_rate', () => {
  it('summarise the trades in the window', () => {
    const [vwap, volume, rate] = (['vwap', 'volume', 'trade_rate'] as const).map((fn) => createStateful(fn, { windowSec: 10 }));
    if (!vwap || !volume || !rate) throw new Error('not created');
    expect([vwap.value, volume.value, rate.value]).toEqual([NaN, 0, 0]);
    for (const s of [vwap, volume, rate]) {
      s.trade(100, 1, S);
      s.trade(102, 3, 2 * S);
    }
    expect([vwap.value, volume.value, rate.value]).toEqual([101.5, 4, 0.2]);
    for (const s of [vwap, volume, rate]) s.advance(11 * S);
    expect([vwap.value, volume.value, rate.value]).toEqual([102, 3, 0.1]);
    for (const s of [vwap, volume, rate]) s.advance(12 * S);
    expect([vwap.value, volume.value, rate.value]).toEqual([NaN, 0, 0]);
  });
});

describe('beta', () => {
  /** Mids of b: a deterministic wiggle; a's mid is b's squared, so ra = 2·rb exactly in logs. */
  const yAt = (k: number): number => 50 * Math.exp(0.01 * Math.sin(1.7 * k) + 0.003 * Math.cos(0.3 * k * k));

  it('of x = y² on y is 2, after 10 pairs', () => {
    const b = createStateful('beta', { windowSec: 60 });
    let pairs = 0;
    for (let k = 0; k < 30; k++) {
      b.update(yAt(k) ** 2, yAt(k), k * S + 0.25 * S);
      if (b.ticked) pairs++;
      expect(b.ready).toBe(pairs >= 10);
      if (pairs < 10) expect(b.value).toBe(1);
    }
    expect(b.value).toBeCloseTo(2, 10);
  });

  it('samples the last mids before each second boundary, once per crossing however long the gap', () => {
    const b = createStateful('beta', { windowSec: 600 });
    const ticks: boolean[] = [];
    const feed = (x: number, y: number, tSec: number): void => {
      b.update(x, y, tSec * S);
      ticks.push(b.ticked);
    };
    feed(100, 100, 0.2);
    feed(101, 102, 0.7); // last mids before the 1 s boundary
    feed(1, 1, 1.1); // crosses 1 s: samples (101, 102), the first sample; no pair yet
    feed(2, 2, 1.9);
    feed(3, 3, 7.5); // crosses 2..7 s at once: one pair, (ln 2/101, ln 2/102)
    feed(4, 4, 7.6);
    expect(ticks).toEqual([false, false, false, false, true, false]);
    const snap = b.exportState().state;
    expect(snap.ra).toEqual([Math.log(2 / 101)]);
    expect(snap.rb).toEqual([Math.log(2 / 102)]);
    expect(snap.t).toEqual([7 * S]);
  });

  it('stays at 1 while var(rb) is 0, however many pairs', () => {
    const b = createStateful('beta', { windowSec: 60 });
    for (let k = 0; k < 40; k++) b.update(yAt(k), 50, k * S);
    expect(b.ready).toBe(false);
    expect(b.value).toBe(1);
  });

  it('forgets pairs older than the window', () => {
    const b = createStateful('beta', { windowSec: 20 });
    for (let k = 0; k < 30; k++) b.update(yAt(k) ** 2, yAt(k), k * S);
    expect(b.ready).toBe(true);
    b.advance(60 * S);
    expect(b.ready).toBe(false);
    expect(b.value).toBe(1);
  });
});

describe('numerical stability around 60,000 with tiny variance', () => {
  // 200,000 prices 60,000 + ~1e-3 noise every 10 ms: variance ~1e-7 next to a squared level of 3.6e9,
  // where Σx² − (Σx)²/n would have no correct digit left.
  const n = 200_000;
  const xs = new Float64Array(n);
  const ts = new Float64Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 48271) % 2147483647;
    xs[i] = 60_000 + 1e-3 * (seed / 2147483647 - 0.5) + (i > n / 2 ? 0.5 : 0);
    ts[i] = i * 1e7;
  }

  it('ewm_stdev matches a two-pass weighted computation to 1e-9', () => {
    const sd = createStateful('ewm_stdev', { halflifeSec: 60 });
    for (let i = 0; i < n; i++) sd.update(xs[i] ?? NaN, ts[i] ?? NaN);
    const tEnd = ts[n - 1] ?? 0;
    let sw = 0;
    let swx = 0;
    for (let i = 0; i < n; i++) {
      const w = Math.pow(2, -(tEnd - (ts[i] ?? 0)) / 60e9);
      sw += w;
      swx += w * (xs[i] ?? 0);
    }
    const mean = swx / sw;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += Math.pow(2, -(tEnd - (ts[i] ?? 0)) / 60e9) * ((xs[i] ?? 0) - mean) ** 2;
    const expected = Math.sqrt(ss / sw);
    expect(Math.abs(sd.value - expected) / expected).toBeLessThan(1e-9);
  });

  it('rolling_stdev matches a two-pass computation to 1e-9 as the window slides over a level shift', () => {
    const sd = createStateful('rolling_stdev', { windowSec: 30 });
    const windowNs = 30e9;
    for (let i = 0; i < n; i++) {
      sd.update(xs[i] ?? NaN, ts[i] ?? NaN);
      if (i % 20_000 !== 19_999) continue;
      const now = ts[i] ?? 0;
      const win: number[] = [];
      for (let j = 0; j <= i; j++) if ((ts[j] ?? 0) > now - windowNs) win.push(xs[j] ?? 0);
      const mean = win.reduce((a, b) => a + b, 0) / win.length;
      const expected = Math.sqrt(win.reduce((a, b) => a + (b - mean) ** 2, 0) / (win.length - 1));
      expect(Math.abs(sd.value - expected) / expected, `at ${i}`).toBeLessThan(1e-9);
    }
  });
});
