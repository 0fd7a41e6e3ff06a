// Order id → slot, for L3Book: an open-addressing hash table in two typed arrays (linear probing,
// deletion by backward shift, so no tombstones), grown by doubling at half full. Replaces a
// Map<number, number>, whose lookups were a large share of the cost of an L3 message: here a
// lookup is a multiply, a mask and usually one or two array reads, and nothing is allocated once
// the table has reached its size.
//
// Keys are any float64 with Map's equality (SameValueZero: NaN finds NaN, 0 finds -0). Slots are
// int32 >= 0; NONE (-1) marks an empty cell and is what `get` returns for a missing key.

export const NONE = -1;

const MIN_CAPACITY = 1024;
// Bits of a float64 key, for keys that are not int32s.
const keyScratch = new Float64Array(1);
const keyWords = new Int32Array(keyScratch.buffer);

function hashOf(key: number): number {
  let h: number;
  if ((key | 0) === key) {
    h = key;
  } else {
    keyScratch[0] = key !== key ? NaN : key;
    h = (keyWords[0] ?? 0) ^ Math.imul(keyWords[1] ?? 0, 0x27d4eb2d);
  }
  // Fibonacci hashing, then the high bits folded down: ids that differ in low bits spread out.
  h = Math.imul(h, 0x9e3779b1);
  return h ^ (h >>> 15);
}

export class OrderIndex {
  private keys: Float64Array;
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.keys = new Float64Array(cap);
    this.slots = new Int32Array(cap).fill(NONE);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The slot stored for `key`, or NONE. */
  get(key: number): number {
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    for (let c = hashOf(key) & mask; ; c = (c + 1) & mask) {
      const s = slots[c] ?? NONE;
      if (s === NONE) return NONE;
      const k = keys[c] ?? NaN;
      if (k === key || (k !== k && key !== key)) return s;
    }
  }

  has(key: number): boolean {
    return this.get(key) !== NONE;
  }

  /** Stores `slot` (>= 0) for `key`, replacing what was there. */
  set(key: number, slot: number): void {
    if (2 * (this.count + 1) > this.keys.length) this.grow();
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    for (let c = hashOf(key) & mask; ; c = (c + 1) & mask) {
      const s = slots[c] ?? NONE;
      if (s === NONE) {
        keys[c] = key;
        slots[c] = slot;
        this.count++;
        return;
      }
      const k = keys[c] ?? NaN;
      if (k === key || (k !== k && key !== key)) {
        slots[c] = slot;
        return;
      }
    }
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: number): boolean {
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    let c = hashOf(key) & mask;
    for (; ; c = (c + 1) & mask) {
      const s = slots[c] ?? NONE;
      if (s === NONE) return false;
      const k = keys[c] ?? NaN;
      if (k === key || (k !== k && key !== key)) break;
    }
    // Backward shift: move later members of the probe run into the hole when their home allows it,
    // so lookups never need tombstones.
    let hole = c;
    for (let n = (hole + 1) & mask; ; n = (n + 1) & mask) {
      const s = slots[n] ?? NONE;
      if (s === NONE) break;
      const k = keys[n] ?? NaN;
      const home = hashOf(k) & mask;
      // Does `home` lie cyclically in (hole, n]? Then the entry must stay where it is.
      const stays = hole <= n ? hole < home && home <= n : hole < home || home <= n;
      if (stays) continue;
      keys[hole] = k;
      slots[hole] = s;
      hole = n;
    }
    slots[hole] = NONE;
    this.count--;
    return true;
  }

  clear(): void {
    this.slots.fill(NONE);
    this.count = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.slots = new Int32Array(cap).fill(NONE);
    this.mask = cap - 1;
    this.count = 0;
    for (let c = 0; c < oldSlots.length; c++) {
      const s = oldSlots[c] ?? NONE;
      if (s !== NONE) this.set(oldKeys[c] ?? NaN, s);
    }
  }
}
