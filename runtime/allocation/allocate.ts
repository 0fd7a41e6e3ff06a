// Allocation of a shared quoting budget across markets (R2): each market gets a share of the budget
// (max notional, or order size) in proportion to its expected spread capture per unit of inventory
// risk, within per-market minimums and caps, summing exactly to the budget.

export interface MarketEdge {
  market: string;
  /** Expected fills per second of our quotes (> 0 or 0). */
  fillIntensityPerSec: number;
  /** Half-spread captured per fill, as a fraction of price (bps / 1e4). */
  halfSpread: number;
  /** Variance of log mid returns per second. */
  variancePerSec: number;
  /** Holding horizon of inventory, seconds (how long a fill is carried before it is worked off). */
  horizonSec: number;
  /** Smallest and largest allocation (budget units); min ≤ max. */
  min: number;
  max: number;
}

export interface Allocation {
  market: string;
  /** λ × h / (σ² × H): expected spread capture per unit of inventory risk (1/s, relative only). */
  score: number;
  amount: number;
  /** Share of the budget. */
  share: number;
  /** 'min' or 'max' when the bound binds, else 'free'. */
  bound: 'min' | 'max' | 'free';
}

/** The score of the rule: (fill intensity × half-spread) / (σ² × horizon); 0 for a market with no edge or no risk estimate. */
export function edgeScore(m: Pick<MarketEdge, 'fillIntensityPerSec' | 'halfSpread' | 'variancePerSec' | 'horizonSec'>): number {
  const num = m.fillIntensityPerSec * m.halfSpread;
  const den = m.variancePerSec * m.horizonSec;
  if (!(num > 0) || !Number.isFinite(num)) return 0;
  if (!(den > 0) || !Number.isFinite(den)) return 0;
  return num / den;
}

/**
 * amount_i = clamp(k × score_i, min_i, max_i), with the one k ≥ 0 that makes Σ amount_i = budget
 * (each amount is non-decreasing in k, so k is found exactly on the sorted breakpoints). Markets with
 * score 0 get their minimum — unless the markets with an edge are all capped and budget is left,
 * which then goes to the zero-score markets in proportion to their room (max − min). The budget must lie in [Σ min, Σ max] (otherwise a RangeError names
 * the gap). Float residue of the final sum is given to the largest free market, so the amounts sum
 * to the budget exactly as doubles sum left to right.
 */
export function allocateBudget(budget: number, markets: readonly MarketEdge[]): Allocation[] {
  if (!(budget >= 0) || !Number.isFinite(budget)) throw new RangeError(`allocation: budget must be a finite number ≥ 0, not ${budget}`);
  const names = new Set<string>();
  for (const m of markets) {
    if (names.has(m.market)) throw new RangeError(`allocation: market ${m.market} is listed twice`);
    names.add(m.market);
    if (!(m.min >= 0) || !(m.max >= m.min) || !Number.isFinite(m.max)) throw new RangeError(`allocation: ${m.market}: need 0 ≤ min ≤ max (finite), got min ${m.min}, max ${m.max}`);
  }
  const sumMin = markets.reduce((s, m) => s + m.min, 0);
  const sumMax = markets.reduce((s, m) => s + m.max, 0);
  if (budget < sumMin - 1e-9 * Math.max(1, sumMin)) throw new RangeError(`allocation: budget ${budget} is below the sum of the minimums (${sumMin})`);
  if (budget > sumMax + 1e-9 * Math.max(1, sumMax)) throw new RangeError(`allocation: budget ${budget} is above the sum of the caps (${sumMax})`);
  const scores = markets.map((m) => edgeScore(m));
  const total = (k: number): number => markets.reduce((s, m, i) => s + clamp(k * (scores[i] ?? 0), m.min, m.max), 0);
  // Breakpoints where some amount starts or stops moving with k.
  const breaks = [0];
  markets.forEach((m, i) => {
    const s = scores[i] ?? 0;
    if (s > 0) breaks.push(m.min / s, m.max / s);
  });
  breaks.sort((a, b) => a - b);
  let k = 0;
  if (total(0) < budget) {
    k = breaks[breaks.length - 1] ?? 0;
    for (let j = 1; j < breaks.length; j++) {
      const lo = breaks[j - 1] ?? 0;
      const hi = breaks[j] ?? 0;
      const tHi = total(hi);
      if (tHi >= budget) {
        // Linear between lo and hi.
        const tLo = total(lo);
        k = tHi === tLo ? hi : lo + ((budget - tLo) * (hi - lo)) / (tHi - tLo);
        break;
      }
    }
  }
  const out: Allocation[] = markets.map((m, i) => {
    const s = scores[i] ?? 0;
    const raw = k * s;
    const amount = clamp(raw, m.min, m.max);
    const bound: Allocation['bound'] = amount === m.max && raw >= m.max ? 'max' : amount === m.min && raw <= m.min ? 'min' : 'free';
    return { market: m.market, score: s, amount, share: 0, bound };
  });
  // Markets with an edge all at their caps and budget left: markets without an edge take the rest
  // in proportion to their room above the minimum (the budget is within Σ max, so it fits).
  let left = budget - out.reduce((s, a) => s + a.amount, 0);
  if (left > 1e-12 * Math.max(1, budget)) {
    const room = markets.reduce((s, mk, i) => ((scores[i] ?? 0) > 0 ? s : s + (mk.max - mk.min)), 0);
    if (room > 0) {
      out.forEach((a, i) => {
        const mk = markets[i];
        if (!mk || (scores[i] ?? 0) > 0) return;
        a.amount = Math.min(mk.max, mk.min + (left * (mk.max - mk.min)) / room);
        a.bound = a.amount === mk.max ? 'max' : 'free';
      });
    }
    left = 0;
  }
  // Exact sum: the float residue goes to the largest free market (else the largest whose bounds allow it).
  const residue = budget - out.reduce((s, a) => s + a.amount, 0);
  if (residue !== 0) {
    const rank = (a: Allocation | undefined): number => (a?.bound === 'free' ? 1 : 0);
    const order = out.map((_, i) => i).sort((x, y) => rank(out[y]) - rank(out[x]) || (out[y]?.amount ?? 0) - (out[x]?.amount ?? 0));
    for (const i of order) {
      const a = out[i];
      const m = markets[i];
      if (!a || !m) continue;
      const next = budget - out.reduce((s, o, j) => (j === i ? s : s + o.amount), 0);
      if (next >= m.min && next <= m.max) {
        a.amount = next;
        break;
      }
    }
  }
  for (const a of out) a.share = budget > 0 ? a.amount / budget : 0;
  return out;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
