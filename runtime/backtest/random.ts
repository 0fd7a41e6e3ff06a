// A small seeded generator (xoshiro128**, by Blackman and Vigna) for the backtester's sampled
// models: fast, 2^128 − 1 period, and the same stream for the same seed on every machine.
//
// The four state words live in an Int32Array, not in four fields: a 32-bit word is a small integer
// for some values and a heap number for others, so fields would change representation from one seed
// to the next. Each change gives the class a new map and throws away every optimised function
// that inlined `next` (the latency models, so the whole backtest loop); in the benchmark that
// happened at the start of the fourth and fifth runs (docs/performance.md, "Field representations").
export class Random {
  private readonly s = new Int32Array(4);
  private spare = NaN;

  constructor(seed: number) {
    // splitmix32 to spread the seed over the four words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return z ^ (z >>> 16);
    };
    const s = this.s;
    for (let i = 0; i < 4; i++) s[i] = next();
    if (((s[0] ?? 0) | (s[1] ?? 0) | (s[2] ?? 0) | (s[3] ?? 0)) === 0) s[0] = 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    const s = this.s;
    let a = s[0] ?? 0;
    const b = s[1] ?? 0;
    let c = s[2] ?? 0;
    let d = s[3] ?? 0;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    s[1] = b ^ c;
    a ^= d;
    s[0] = a;
    s[2] = c ^ t;
    s[3] = rotl(d, 11);
    return result / 4294967296;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
