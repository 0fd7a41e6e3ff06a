// The synthetic market of Avellaneda & Stoikov (2008), "High-frequency trading in a limit order
// book", §3.3: the external benchmark for model validation (../shared/oracles/as2008.md states the
// setting and the published Tables 1–3; tests/runtime/sim/as2008.test.ts reproduces them).
//
// The setting, exactly as the oracle defines it:
// - mid price: arithmetic random walk, each step ±σ√dt with probability ½ each, from s₀;
// - time steps tᵢ = i·dt, i = 0 … N−1 with N = T/dt (200 for the paper). At each tᵢ the strategy
//   quotes from (sᵢ, qᵢ, tᵢ); the bid is hit with probability λ(δᵇ)·dt and the ask lifted with
//   probability λ(δᵃ)·dt, λ(δ) = A·e^(−kδ), δᵇ = s − bid, δᵃ = ask − s; λ·dt is used literally as the
//   probability, capped at 1 (the oracle: 1 − e^(−λdt) lowers profits ~10% and misses the tables).
//   The two draws are independent, as in the paper, so both sides can fill in one step. Each fill is
//   one unit at our quoted price. Then the mid moves to sᵢ₊₁;
// - profit = cash + q_T·s_T; we start flat with no cash.
//
// A quote on the far side of the mid. The inventory strategy's reservation price r = s − qγσ²(T − t)
// moves away from s as |q| grows, and once |r − s| exceeds the half spread one quote crosses the
// mid (at γ = 1 that happens from |q| = 1 early on). We keep the oracle's definitions literally:
// δ is the signed distance s − bid (or ask − s), so it is negative there, λ(δ) = A·e^(−kδ) > A, and
// the capped probability min(1, λ·dt) applies — a quote through the mid is filled at least as
// readily as one at the mid (A·dt = 0.7 for the paper's values; certain beyond δ < −0.24). We do not
// clamp δ at 0 or pull the quote back to the mid: neither is in the paper's model.
//
// Random numbers: one xoshiro128** stream (runtime/sim/rng.ts) per call, seeded by `seed`. Every
// step draws exactly three uniforms — bid fill, ask fill, price move, in that order — whatever
// happens, so path p always uses draws 3N·p … 3N·(p+1) − 1. Hence: the first n paths of a run are
// the same for any `paths` ≥ n, and the two strategies at the same seed see the same price paths
// and the same fill draws (common random numbers, which sharpens the comparison between them).
//
// Statistics: means over paths; standard deviations are sample standard deviations (n − 1).
// avgSpread is the average of the total quoted spread (ask − bid) over every step of every path.
// For the inventory strategy that spread is γσ²(T − tᵢ) + (2/γ)ln(1 + γ/k), so over tᵢ = 0 … T − dt
// the average is γσ²(T + dt)/2 + (2/γ)ln(1 + γ/k) — dt·γσ²/2 above the continuous-time average the
// paper prints (3.032 against 3.02 at γ = 1, inside the oracle's 0.02). For the symmetric strategy
// it is the constant γσ²T/2 + (2/γ)ln(1 + γ/k).
import { Xoshiro128StarStar } from './rng.js';

export const as2008Strategies = ['inventory', 'symmetric'] as const;
export type AS2008Strategy = (typeof as2008Strategies)[number];

/** The paper's market: s₀ = 100, σ = 2, T = 1, dt = 0.005, A = 140, k = 1.5. */
export const as2008Defaults = { sigma: 2, A: 140, k: 1.5, T: 1, dt: 0.005, s0: 100 } as const;

export interface AS2008Options {
  /** Risk aversion γ > 0. */
  gamma: number;
  strategy: AS2008Strategy;
  /** Number of simulated paths (a positive integer). */
  paths: number;
  /** Any safe integer; the same seed gives the same numbers, bit for bit. */
  seed: number;
  /** Volatility of the mid price, per unit of time (price units / √time). */
  sigma?: number;
  /** Order arrival intensity at δ = 0, per unit of time. */
  A?: number;
  /** Decay of the arrival intensity with the distance from the mid, per price unit. */
  k?: number;
  /** Horizon. */
  T?: number;
  /** Time step; T/dt must be a whole number of steps. */
  dt?: number;
  /** Starting mid price. */
  s0?: number;
  /** Also return each path's profit and final inventory. */
  perPath?: boolean;
}

export interface AS2008Summary {
  avgSpread: number;
  meanProfit: number;
  stdProfit: number;
  meanFinalQ: number;
  stdFinalQ: number;
}

export interface AS2008Result extends AS2008Summary {
  /** Present when `perPath` was asked for: path p's profit and final inventory at index p. */
  perPath?: { profit: Float64Array; finalQ: Int32Array };
}

/** The liquidity part of the total spread, (2/γ)·ln(1 + γ/k): what the spread is worth with no inventory risk. */
export function liquiditySpread(gamma: number, k: number): number {
  return (2 / gamma) * Math.log1p(gamma / k);
}

/** The inventory strategy's total spread with `tau` = T − t left: γσ²τ + (2/γ)·ln(1 + γ/k). */
export function inventorySpread(p: { gamma: number; sigma: number; k: number; tau: number }): number {
  return p.gamma * p.sigma * p.sigma * p.tau + liquiditySpread(p.gamma, p.k);
}

/** The symmetric strategy's constant spread: the inventory spread averaged over [0, T], γσ²T/2 + (2/γ)·ln(1 + γ/k). */
export function symmetricSpread(p: { gamma: number; sigma: number; k: number; T: number }): number {
  return (p.gamma * p.sigma * p.sigma * p.T) / 2 + liquiditySpread(p.gamma, p.k);
}

export interface AS2008Quote {
  /** The centre of the quotes: r = s − qγσ²τ (inventory) or s (symmetric). */
  reservation: number;
  /** ask − bid. */
  spread: number;
  bid: number;
  ask: number;
}

/** The quotes a strategy posts at mid `s`, inventory `q`, with `tau` = T − t left (T for the symmetric spread). */
export function as2008Quote(p: { strategy: AS2008Strategy; gamma: number; sigma: number; k: number; T: number; tau: number; s: number; q: number }): AS2008Quote {
  const inventory = p.strategy === 'inventory';
  const reservation = inventory ? p.s - p.q * p.gamma * p.sigma * p.sigma * p.tau : p.s;
  const spread = inventory ? inventorySpread(p) : symmetricSpread(p);
  return { reservation, spread, bid: reservation - spread / 2, ask: reservation + spread / 2 };
}

/** Probability that a quote at signed distance `delta` from the mid is filled within one step: min(1, A·e^(−kδ)·dt). */
export function fillProbability(p: { delta: number; A: number; k: number; dt: number }): number {
  return Math.min(1, p.A * Math.exp(-p.k * p.delta) * p.dt);
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

/** Runs `paths` paths of the Avellaneda–Stoikov market for one strategy and summarises them. Pure: same options, same result. */
export function simulateAS2008(options: AS2008Options): AS2008Result {
  const { gamma, strategy, paths, seed } = options;
  const { sigma, A, k, T, dt, s0 } = { ...as2008Defaults, ...definedOnly(options) };
  check(Number.isFinite(gamma) && gamma > 0, `gamma must be a finite number > 0, not ${gamma}`);
  check((as2008Strategies as readonly string[]).includes(strategy), `strategy must be one of ${as2008Strategies.join(', ')}, not ${String(strategy)}`);
  check(Number.isSafeInteger(paths) && paths > 0, `paths must be a positive integer, not ${paths}`);
  check(Number.isSafeInteger(seed), `seed must be a safe integer, not ${seed}`);
  check(Number.isFinite(sigma) && sigma >= 0, `sigma must be a finite number ≥ 0, not ${sigma}`);
  check(Number.isFinite(A) && A >= 0, `A must be a finite number ≥ 0, not ${A}`);
  check(Number.isFinite(k) && k > 0, `k must be a finite number > 0, not ${k}`);
  check(Number.isFinite(T) && T > 0 && Number.isFinite(dt) && dt > 0, `T and dt must be finite numbers > 0, not ${T} and ${dt}`);
  check(Number.isFinite(s0), `s0 must be finite, not ${s0}`);
  const steps = Math.round(T / dt);
  check(steps >= 1 && Math.abs(steps * dt - T) <= 1e-9 * T, `T/dt must be a whole number of steps, not ${T / dt}`);

  const rng = new Xoshiro128StarStar(seed);
  const inventory = strategy === 'inventory';
  const riskPerTime = gamma * sigma * sigma; // γσ²: both the reservation skew and the time part of the spread, per unit of τ
  const liquidity = liquiditySpread(gamma, k);
  const symmetricHalf = symmetricSpread({ gamma, sigma, k, T }) / 2;
  const moveUp = sigma * Math.sqrt(dt);
  const arrivalPerStep = A * dt; // λ(0)·dt

  const profit = new Float64Array(paths);
  const finalQ = new Int32Array(paths);
  let spreadSum = 0;

  for (let p = 0; p < paths; p++) {
    let s = s0;
    let q = 0;
    let cash = 0;
    for (let i = 0; i < steps; i++) {
      const tau = T - i * dt;
      let centre: number;
      let half: number;
      if (inventory) {
        centre = s - q * riskPerTime * tau;
        half = (riskPerTime * tau + liquidity) / 2;
      } else {
        centre = s;
        half = symmetricHalf;
      }
      const bid = centre - half;
      const ask = centre + half;
      spreadSum += ask - bid;
      // Signed distances: negative when the quote sits on the far side of the mid (see the header).
      const bidHit = rng.next() < Math.min(1, arrivalPerStep * Math.exp(-k * (s - bid)));
      const askLifted = rng.next() < Math.min(1, arrivalPerStep * Math.exp(-k * (ask - s)));
      const up = rng.next() < 0.5;
      if (bidHit) {
        q += 1;
        cash -= bid;
      }
      if (askLifted) {
        q -= 1;
        cash += ask;
      }
      s += up ? moveUp : -moveUp;
    }
    profit[p] = cash + q * s;
    finalQ[p] = q;
  }

  const profitStats = meanAndStd(profit);
  const qStats = meanAndStd(finalQ);
  return {
    avgSpread: spreadSum / (paths * steps),
    meanProfit: profitStats.mean,
    stdProfit: profitStats.std,
    meanFinalQ: qStats.mean,
    stdFinalQ: qStats.std,
    ...(options.perPath ? { perPath: { profit, finalQ } } : {}),
  };
}

/** The optional market parameters that were actually given (an explicit `undefined` keeps the default). */
function definedOnly(o: AS2008Options): Partial<Record<keyof typeof as2008Defaults, number>> {
  const out: Partial<Record<keyof typeof as2008Defaults, number>> = {};
  for (const key of Object.keys(as2008Defaults) as Array<keyof typeof as2008Defaults>) {
    const v = o[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value), two-pass for accuracy. */
function meanAndStd(xs: Float64Array | Int32Array): { mean: number; std: number } {
  const n = xs.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i] ?? 0;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] ?? 0) - mean;
    ss += d * d;
  }
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}
