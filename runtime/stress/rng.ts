// A small seeded generator (mulberry32): the same seed gives the same stream on every platform, so
// a stress run is reproducible from its seed. Not for anything but simulation.
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Exponential with the given rate (mean 1 / rate). */
  exponential(rate: number): number;
}

export function createRng(seed: number): Rng {
  // Mix the seed first so that seeds 1, 2, 3 start far apart.
  let a = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    exponential: (rate) => -Math.log(1 - next()) / rate,
  };
}
