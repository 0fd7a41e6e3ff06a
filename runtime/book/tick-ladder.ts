// One side of a price ladder: a number per integer tick, stored in fixed-size pages of a Float64Array
// pool and found through a dense page directory. Why pages and not one contiguous array: real books
// have stray levels far from the touch (Binance BTC/USDT spot shows bids at 15,460 and asks at
// 200,000 with a 0.01 tick — 18M ticks apart), so a contiguous window would cost ~150 MB per side,
// while pages cost memory only where levels are. The directory re-centres and grows (amortised, the
// only allocation) when a price falls outside it; pages are recycled through a free list, so an
// update never allocates once the ladder has seen its price range.
//
// Zero means "no level": a stored value is either > 0 or exactly 0.

const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
const NO_PAGE = -1;
/** 2^22 pages span the whole int32 tick range (16 MB of directory at worst). */
const MAX_DIRECTORY = 1 << 22;
const MIN_PAGE = -2147483648 >> PAGE_BITS;
const MAX_PAGE = 2147483647 >> PAGE_BITS;

export class TickLadder {
  /** Non-zero entries over the whole ladder. */
  count = 0;
  /** Page slot of each page number in [dirBase, dirBase + dir.length); NO_PAGE when absent. */
  private dir = new Int32Array(0);
  private dirBase = 0;
  private values = new Float64Array(0);
  /** Non-zero entries per page slot: a page whose count drops to 0 goes back to the free list. */
  private used = new Int32Array(0);
  /** Directory index of the page a slot holds, to unlink it on release. */
  private slotPage = new Int32Array(0);
  private freeSlots = new Int32Array(0);
  private freeTop = 0;
  private slotsInUse = 0;

  /** Value at an integer tick; 0 when none (also for prices outside the int32 range). */
  get(priceTicks: number): number {
    if ((priceTicks | 0) !== priceTicks) return 0;
    const d = (priceTicks >> PAGE_BITS) - this.dirBase;
    if (d < 0 || d >= this.dir.length) return 0;
    const slot = this.dir[d] ?? NO_PAGE;
    if (slot === NO_PAGE) return 0;
    return this.values[slot * PAGE_SIZE + (priceTicks & PAGE_MASK)] ?? 0;
  }

  /** Stores `value` (> 0, or 0 to remove) and returns the previous value. */
  set(priceTicks: number, value: number): number {
    if ((priceTicks | 0) !== priceTicks) {
      throw new RangeError(`price ${priceTicks} is not an integer tick in the int32 range`);
    }
    let d = (priceTicks >> PAGE_BITS) - this.dirBase;
    if (d < 0 || d >= this.dir.length) {
      if (value === 0) return 0;
      this.growDirectory(priceTicks >> PAGE_BITS);
      d = (priceTicks >> PAGE_BITS) - this.dirBase;
    }
    let slot = this.dir[d] ?? NO_PAGE;
    if (slot === NO_PAGE) {
      if (value === 0) return 0;
      slot = this.takeSlot(d);
    }
    const at = slot * PAGE_SIZE + (priceTicks & PAGE_MASK);
    const old = this.values[at] ?? 0;
    this.values[at] = value;
    if (old === 0 && value !== 0) {
      this.count++;
      this.used[slot] = (this.used[slot] ?? 0) + 1;
    } else if (old !== 0 && value === 0) {
      this.count--;
      const left = (this.used[slot] ?? 1) - 1;
      this.used[slot] = left;
      if (left === 0) this.releaseSlot(slot);
    }
    return old;
  }

  /** Highest tick strictly below `priceTicks` holding a value, or NaN. */
  nextBelow(priceTicks: number): number {
    if (this.count === 0 || priceTicks !== priceTicks) return NaN;
    let d: number;
    let off: number;
    if (priceTicks > 2147483647) {
      d = this.dir.length - 1;
      off = PAGE_MASK;
    } else {
      const p = Math.ceil(priceTicks) - 1;
      if (p < -2147483648) return NaN;
      d = (p >> PAGE_BITS) - this.dirBase;
      off = p & PAGE_MASK;
      if (d >= this.dir.length) {
        d = this.dir.length - 1;
        off = PAGE_MASK;
      }
    }
    const { dir, values } = this;
    for (; d >= 0; d--, off = PAGE_MASK) {
      const slot = dir[d] ?? NO_PAGE;
      if (slot === NO_PAGE) continue;
      const base = slot * PAGE_SIZE;
      for (let o = off; o >= 0; o--) {
        if (values[base + o] !== 0) return (d + this.dirBase) * PAGE_SIZE + o;
      }
    }
    return NaN;
  }

  /** Lowest tick strictly above `priceTicks` holding a value, or NaN. */
  nextAbove(priceTicks: number): number {
    if (this.count === 0 || priceTicks !== priceTicks) return NaN;
    let d: number;
    let off: number;
    if (priceTicks < -2147483648) {
      d = 0;
      off = 0;
    } else {
      const p = Math.floor(priceTicks) + 1;
      if (p > 2147483647) return NaN;
      d = (p >> PAGE_BITS) - this.dirBase;
      off = p & PAGE_MASK;
      if (d < 0) {
        d = 0;
        off = 0;
      }
    }
    const { dir, values } = this;
    for (; d < dir.length; d++, off = 0) {
      const slot = dir[d] ?? NO_PAGE;
      if (slot === NO_PAGE) continue;
      const base = slot * PAGE_SIZE;
      for (let o = off; o < PAGE_SIZE; o++) {
        if (values[base + o] !== 0) return (d + this.dirBase) * PAGE_SIZE + o;
      }
    }
    return NaN;
  }

  /** Removes every value; keeps the pool and directory for reuse. */
  clear(): void {
    for (let slot = 0; slot < this.slotsInUse; slot++) {
      if ((this.used[slot] ?? 0) > 0) {
        this.values.fill(0, slot * PAGE_SIZE, (slot + 1) * PAGE_SIZE);
        this.releaseSlot(slot);
      }
    }
    this.count = 0;
  }

  private takeSlot(dirIndex: number): number {
    let slot: number;
    if (this.freeTop > 0) {
      slot = this.freeSlots[--this.freeTop] ?? 0;
    } else {
      slot = this.slotsInUse++;
      if (slot * PAGE_SIZE >= this.values.length) this.growPool();
    }
    this.dir[dirIndex] = slot;
    this.slotPage[slot] = dirIndex + this.dirBase;
    this.used[slot] = 0;
    return slot;
  }

  /** Only called for an all-zero page, so the page needs no wiping before reuse. */
  private releaseSlot(slot: number): void {
    const d = (this.slotPage[slot] ?? 0) - this.dirBase;
    this.dir[d] = NO_PAGE;
    this.used[slot] = 0;
    this.freeSlots[this.freeTop++] = slot;
  }

  private growPool(): void {
    const slots = Math.max(4, (this.values.length / PAGE_SIZE) * 2);
    const values = new Float64Array(slots * PAGE_SIZE);
    values.set(this.values);
    this.values = values;
    const used = new Int32Array(slots);
    used.set(this.used);
    this.used = used;
    const slotPage = new Int32Array(slots);
    slotPage.set(this.slotPage);
    this.slotPage = slotPage;
    const freeSlots = new Int32Array(slots);
    freeSlots.set(this.freeSlots);
    this.freeSlots = freeSlots;
  }

  /** Re-centres the directory so that it covers its old span and `page`, with as much slack again. */
  private growDirectory(page: number): void {
    const oldLen = this.dir.length;
    const lo = oldLen === 0 ? page : Math.min(this.dirBase, page);
    const hi = oldLen === 0 ? page : Math.max(this.dirBase + oldLen - 1, page);
    const span = hi - lo + 1;
    // The directory never reaches past the pages int32 prices can have, so span <= MAX_DIRECTORY.
    const len = Math.min(MAX_DIRECTORY, Math.max(16, span * 2));
    const base = Math.max(MIN_PAGE, Math.min(lo - Math.floor((len - span) / 2), MAX_PAGE + 1 - len));
    const dir = new Int32Array(len).fill(NO_PAGE);
    if (oldLen > 0) dir.set(this.dir, this.dirBase - base);
    this.dir = dir;
    this.dirBase = base;
  }
}
