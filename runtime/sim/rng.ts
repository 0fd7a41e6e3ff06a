// A small, fast, seeded pseudo-random generator for the synthetic markets: xoshiro128** 1.1
// (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c), 128 bits of state, period
// 2^128 − 1, passes BigCrush. Written out here (20 lines, 32-bit integer ops via Math.imul) rather
// than taken from a package: no runtime dependency has one, and the exact sequence is part of what
// `quoin simulate --seed S` promises, so it must not move when a dependency is upgraded.
//
// Seeding, as the xoshiro authors recommend: the seed (any safe integer, negative too, taken as
// 64-bit two's complement) is the starting counter of splitmix64, and its first two 64-bit outputs
// are the four state words. splitmix64's mix is a bijection, so distinct seeds give distinct states,
// and two consecutive outputs are never both zero, so the state is never all zero. BigInt is used
// only here, once per generator.

const TWO_POW_32 = 4294967296;
const MASK64 = (1n << 64n) - 1n;

/** splitmix64 (Steele, Lea & Flood; Vigna's reference): the output for counter value `z`. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The four xoshiro128** state words for a seed. */
function seedWords(seed: number): [number, number, number, number] {
  const golden = 0x9e3779b97f4a7c15n;
  const start = BigInt.asUintN(64, BigInt(seed));
  const a = mix64((start + golden) & MASK64);
  const b = mix64((start + 2n * golden) & MASK64);
  return [Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)];
}

export class Xoshiro128StarStar {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** From a seed (a safe integer) or, for test vectors, from the raw four state words. */
  constructor(seed: number | readonly [number, number, number, number]) {
    if (typeof seed === 'number') {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`the seed must be a safe integer, not ${seed}`);
      [this.s0, this.s1, this.s2, this.s3] = seedWords(seed);
    } else {
      [this.s0, this.s1, this.s2, this.s3] = seed.map((w) => w >>> 0) as [number, number, number, number];
      if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    }
  }

  /** The next 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A uniform draw in [0, 1) on the grid k/2^32 (32 bits are plenty for probabilities ≥ 1e-9). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }
}
