// The O(1) rolling OLS against the two-pass reference: random series (fast-check), and the real
// Binance spot BTC/ETH mid returns sampled every second.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hedgeStudy } from '../../runtime/hedging/study.js';
import { MidReturnBeta, naiveOls, RollingOls, type OlsFit } from '../../runtime/hedging/rolling-ols.js';
import { haveData, load } from './data.js';

/** Relative agreement, with an absolute floor scaled to the quantity. */
function close(a: number, b: number, rel: number, abs: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
}

function expectFit(got: OlsFit, want: OlsFit, ctx: string): void {
  expect(got.n, ctx).toBe(want.n);
  for (const k of ['beta', 'alpha', 'r2', 'residualStdev'] as const) {
    const abs = k === 'alpha' ? 1e-12 : k === 'residualStdev' ? 1e-12 : 1e-9;
    expect(close(got[k], want[k], 1e-7, abs), `${ctx} ${k}: incremental ${got[k]} vs naive ${want[k]}`).toBe(true);
  }
}

/** Feeds (t, ra, rb) samples and checks against the naive fit over the window after each one. */
function checkAgainstNaive(t: ArrayLike<number>, ra: ArrayLike<number>, rb: ArrayLike<number>, windowNs: number, every = 1): number {
  const ols = new RollingOls({ windowNs, minSamples: 10 });
  const out: OlsFit = { n: 0, beta: NaN, alpha: NaN, r2: NaN, residualStdev: NaN };
  let checked = 0;
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    const now = t[i] ?? NaN;
    ols.push(ra[i] ?? NaN, rb[i] ?? NaN, now);
    while ((t[start] ?? Infinity) <= now - windowNs) start++;
    if (i % every !== 0) continue;
    const a = Array.from({ length: i + 1 - start }, (_, k) => ra[start + k] ?? NaN);
    const b = Array.from({ length: i + 1 - start }, (_, k) => rb[start + k] ?? NaN);
    expectFit(ols.fit(out), naiveOls(a, b, 10), `sample ${i}`);
    checked++;
  }
  return checked;
}

describe('RollingOls (synthetic)', () => {
  it('recovers a known beta, alpha and residual on a noiseless line', () => {
    const ols = new RollingOls({ windowNs: 100 });
    for (let i = 0; i < 50; i++) {
      const rb = Math.sin(i) * 1e-3;
      ols.push(0.00002 + 1.7 * rb, rb, i);
    }
    const f = ols.fit();
    expect(f.beta).toBeCloseTo(1.7, 10);
    expect(f.alpha).toBeCloseTo(0.00002, 14);
    expect(f.r2).toBeCloseTo(1, 10);
    // Σε² comes from Syy − β·Sxy: a perfect fit leaves cancellation residue ~1e-8 of stdev(ra) ≈ 1.2e-3.
    expect(f.residualStdev).toBeLessThan(1e-9);
  });

  it('is not ready below minSamples or when rb does not vary, and expires exactly', () => {
    const ols = new RollingOls({ windowNs: 10, minSamples: 3 });
    ols.push(1, 0, 1);
    ols.push(2, 0, 2);
    ols.push(3, 0, 3);
    expect(ols.ready).toBe(false);
    expect(ols.beta).toBeNaN();
    ols.push(1e-3, 1e-3, 4);
    ols.push(2e-3, 2e-3, 5);
    expect(ols.ready).toBe(true);
    // At t = 14 the samples at 1..4 have left the window: one sample is left.
    ols.advance(14);
    expect(ols.count).toBe(1);
    expect(ols.ready).toBe(false);
    ols.advance(15);
    expect(ols.count).toBe(0);
    expect(ols.fit().n).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new RollingOls({ windowNs: 0 })).toThrow(/windowNs/);
    expect(() => new RollingOls({ windowNs: 1, minSamples: 2 })).toThrow(/minSamples/);
  });

  // Returns on a price grid (1e-7 steps, as 1-tick moves of a 6-digit price are): subnormal doubles
  // would make any OLS ill-conditioned and say nothing about the sums.
  const ret = fc.integer({ min: -20_000, max: 20_000 }).map((k) => k * 1e-7);
  it('equals the naive recomputation on random series (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 5 }), ra: ret, rb: fc.oneof(fc.constant(0), ret) }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 3, max: 60 }),
        (rows, window) => {
          let t = 0;
          const ts: number[] = [];
          for (const r of rows) ts.push((t += r.dt));
          checkAgainstNaive(ts, rows.map((r) => r.ra), rows.map((r) => r.rb), window);
        },
      ),
      { numRuns: 150, seed: 20240808 },
    );
  });
});

describe.skipIf(!haveData)('RollingOls on real BTC/ETH spot mid returns (1 s)', () => {
  let t: number[] = [];
  let ra: number[] = [];
  let rb: number[] = [];

  beforeAll(async () => {
    // The replay samples both books' mids every second; with zero inventory it trades nothing.
    const study = hedgeStudy({
      inventoryBatch: await load('ethSpot'),
      hedgeBatch: await load('btcSpot'),
      inventory: { tNs: new Float64Array(0), qty: new Float64Array(0), initialQty: 0 },
      params: { policy: { kind: 'delta' }, thresholdQty: 1, clipQty: 1, takerFeeRate: 0 },
      stepNs: 1e9,
    });
    const L = study.run.ledger;
    for (let k = 1; k < L.tNs.length; k++) {
      if (!L.valid[k] || !L.valid[k - 1]) continue;
      t.push(L.tNs[k] ?? NaN);
      ra.push(Math.log((L.inventoryMid[k] ?? NaN) / (L.inventoryMid[k - 1] ?? NaN)));
      rb.push(Math.log((L.hedgeMid[k] ?? NaN) / (L.hedgeMid[k - 1] ?? NaN)));
    }
  });

  it('has ~10 minutes of 1 s returns', () => {
    expect(t.length).toBeGreaterThan(600);
  });

  for (const windowSec of [30, 120, 300]) {
    it(`incremental fit equals the naive one at every second (window ${windowSec} s)`, () => {
      expect(checkAgainstNaive(t, ra, rb, windowSec * 1e9)).toBe(t.length);
    });
  }

  it('beta of ETH on BTC is in a plausible band, and MidReturnBeta agrees with RollingOls', () => {
    const whole = naiveOls(ra, rb);
    // Measured: 0.761 over the whole 11 minutes (R² 0.453, 649 returns); rolling 5-minute betas 0.58–1.37.
    expect(whole.beta).toBeGreaterThan(0.5);
    expect(whole.beta).toBeLessThan(1.3);
    expect(whole.r2).toBeGreaterThan(0.3);
    const ols = new RollingOls({ windowNs: 3600e9 });
    for (let i = 0; i < t.length; i++) ols.push(ra[i] ?? NaN, rb[i] ?? NaN, t[i] ?? NaN);
    expect(close(ols.beta, whole.beta, 1e-9, 0)).toBe(true);
  });

  it('MidReturnBeta forms the same returns from mids', () => {
    const m = new MidReturnBeta({ windowNs: 3600e9 });
    let a = 2600;
    let b = 61000;
    m.sample(a, b, 0);
    for (let i = 0; i < t.length; i++) {
      a *= Math.exp(ra[i] ?? 0);
      b *= Math.exp(rb[i] ?? 0);
      m.sample(a, b, t[i] ?? NaN);
    }
    expect(close(m.beta, naiveOls(ra, rb).beta, 1e-6, 0)).toBe(true);
  });
});
