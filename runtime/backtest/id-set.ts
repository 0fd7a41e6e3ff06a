// A set of order ids for the exchange's exact queue tracking (exchange.ts, `behind`): the ids that
// joined our price after our order. It is filled by the data's adds at our price, thinned by their
// deletes and executions, and emptied whenever our order moves to another price — tens of thousands
// of times in a day of quoting. A Set allocates a new table on every clear and on growth after
// deletions, which made it the exchange's main source of garbage; this one allocates only when it
// outgrows its capacity, and clears in O(1) by stamping live slots with a generation.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones), so lookups stay
// short however many ids come and go.

const MIN_CAPACITY = 16;
/** Keys are integers well inside 2^53; the hash mixes the low 32 bits and the rest. */
function hashOf(id: number): number {
  const lo = id | 0;
  const hi = (id / 4294967296) | 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
}

export class IdSet {
  size = 0;
  private keys: Float64Array;
  /** Slot i holds a member when stamps[i] === gen. */
  private stamps: Uint32Array;
  private gen = 1;
  private mask: number;
  /** log2 of the capacity, to take the hash's top bits (the best mixed). */
  private bits: number;

  constructor(capacity = MIN_CAPACITY) {
    let bits = 4;
    while (1 << bits < capacity) bits++;
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.keys = new Float64Array(1 << bits);
    this.stamps = new Uint32Array(1 << bits);
  }

  has(id: number): boolean {
    return this.slotOf(id) >= 0;
  }

  add(id: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const keys = this.keys;
    const stamps = this.stamps;
    const gen = this.gen;
    const mask = this.mask;
    let i = this.home(id);
    while (stamps[i] === gen) {
      if (keys[i] === id) return;
      i = (i + 1) & mask;
    }
    keys[i] = id;
    stamps[i] = gen;
    this.size++;
  }

  delete(id: number): boolean {
    const i = this.slotOf(id);
    if (i < 0) return false;
    const keys = this.keys;
    const stamps = this.stamps;
    const gen = this.gen;
    const mask = this.mask;
    // Backward shift: later members of the probe run move into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; stamps[j] === gen; j = (j + 1) & mask) {
      const h = this.home(keys[j] as number);
      // j's member may fill the hole if its home is not cyclically within (hole, j].
      const fits = hole <= j ? h <= hole || h > j : h <= hole && h > j;
      if (fits) {
        keys[hole] = keys[j] as number;
        hole = j;
      }
    }
    stamps[hole] = 0;
    this.size--;
    return true;
  }

  /** Empties the set in O(1). */
  clear(): void {
    if (this.size === 0) return;
    this.size = 0;
    this.gen++;
    if (this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
  }

  /** The slot holding `id`, or -1. */
  private slotOf(id: number): number {
    if (this.size === 0) return -1;
    const keys = this.keys;
    const stamps = this.stamps;
    const gen = this.gen;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      if (stamps[i] !== gen) return -1;
      if (keys[i] === id) return i;
    }
  }

  private home(id: number): number {
    return hashOf(id) >>> (32 - this.bits);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldStamps = this.stamps;
    const oldGen = this.gen;
    this.bits++;
    this.mask = (1 << this.bits) - 1;
    this.keys = new Float64Array(1 << this.bits);
    this.stamps = new Uint32Array(1 << this.bits);
    this.gen = 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldStamps[i] === oldGen) this.add(oldKeys[i] as number);
  }
}
