// One side of a price ladder: a number per integer tick, stored in fixed-size pages of a Float64Array
// pool and found through a dense page directory. Why pages and not one contiguous array: real books
// have stray levels far from the touch (Binance BTC/USDT spot shows bids at 15,460 and asks at
// 200,000 with a 0.01 tick — 18M ticks apart), so a contiguous window would cost ~150 MB per side,
// while pages cost memory only where levels are. The directory re-centres and grows (amortised, the
// only allocation) when a price falls outside it; pages are recycled through a free list, so an
// update never allocates once the ladder has seen its price range.
//
// Zero means "no level": a stored value is either > 0 or exactly 0.
//
// Ordered questions cost the levels and pages they touch, not the ticks they span (real books are
// sparse near the touch too: BTC/USDT spot has ~200 levels in the 6,180 ticks of 10 bps):
// - Occupancy bits: per page, 32 words of 32 bits (a bit per tick); over the directory, a bit per
//   present page and a summary bit per non-empty word of those. The next level is found with
//   Math.clz32 / count-trailing-zero tricks: at most 32 word tests within a page, and across empty
//   pages one summary word per 1,024 pages (4,096 words for the largest possible directory).
// - Per page, its level count, so nthBelow/nthAbove skip whole pages, and the sum of its values,
//   so sumRange adds whole pages and visits only the levels of the (at most two) end pages.
// Both are paid for only by ladders that ask: the tick bits are built on the first ordered
// question (nextBelow, nextAbove, nthBelow, nthAbove, sumRange) and the page sums on the first
// sumRange, and from then on every update keeps them (O(1), allocation-free). A ladder used as a
// map (L3Book's queue heads and tails) pays two flag tests per update. The update path is kept
// small enough for V8 to inline it as before (bytecode under the old set's), since replay speed
// depends on it.
//
// Page sums are kept by adding (new − old), so updates round: each page also counts its updates
// since its sum was last computed from its values (`drift`), and reading a page's sum recomputes it
// first when drift >= the page's level count n. The recomputation costs O(n) and follows at least
// n updates, so it is amortised O(1) per update, and it never runs on the update path. Error of a
// page sum as read, with u = 2^-53 and M the largest page sum or value the page held since the
// recomputation: at most (n' − 1)·u·M from the recomputation (n' <= 1,024 levels then), plus at
// most 2·u·M per update since (fl(new − old), then fl(sum + delta); one rounding when a level
// appears or goes, where new − old is exact), of which there are fewer than n <= 1,024. So
// |error| < 3 × 1,024 × u × M ≈ 3.4e-13·M: 10,000 BTC in one page gives at most 3.4e-9 BTC, far
// below a 1e-5 BTC lot. sumRange adds one more rounding of at most u·M when it takes an end page as
// its sum less the levels outside the range, and the roundings of adding the pages up. (Adding the
// same levels one by one, as before, had an error bound of the same (n − 1)·u·Σ form.) A range
// without levels sums to exactly 0.

const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** 32-bit words of occupancy bits per page, as a shift. */
const PAGE_WORDS_BITS = PAGE_BITS - 5;
const PAGE_WORDS = 1 << PAGE_WORDS_BITS;
const NO_PAGE = -1;
/** 2^22 pages span the whole int32 tick range (16 MB of directory at worst). */
const MAX_DIRECTORY = 1 << 22;
const MIN_PAGE = -2147483648 >> PAGE_BITS;
const MAX_PAGE = 2147483647 >> PAGE_BITS;

/** Set bits in a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Index of the lowest set bit of a non-zero word. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Index of the highest set bit of a non-zero word. */
function highestBit(x: number): number {
  return 31 - Math.clz32(x);
}

/** Mask of bits 0..i (i in 0..31). */
function atOrBelow(i: number): number {
  return (2 << i) - 1;
}

/** Mask of bits i..31 (i in 0..31). */
function atOrAbove(i: number): number {
  return -1 << i;
}

export class TickLadder {
  /** Non-zero entries over the whole ladder. */
  count = 0;
  /** Page slot of each page number in [dirBase, dirBase + dir.length); NO_PAGE when absent. */
  private dir = new Int32Array(0);
  private dirBase = 0;
  /** Bit d set when directory entry d holds a page; dirSummary has bit w set when dirBits[w] !== 0. */
  private dirBits = new Int32Array(0);
  private dirSummary = new Int32Array(0);
  private values = new Float64Array(0);
  /** Non-zero entries per page slot: a page whose count drops to 0 goes back to the free list. */
  private used = new Int32Array(0);
  /** Directory index of the page a slot holds, to unlink it on release. */
  private slotPage = new Int32Array(0);
  private freeSlots = new Int32Array(0);
  private freeTop = 0;
  private slotsInUse = 0;
  /** Whether `bits` is kept (from the first ordered question on). */
  private indexed = false;
  /** Bit (o & 31) of word (slot << PAGE_WORDS_BITS) + (o >> 5) is set when tick o of the slot's page holds a value. */
  private bits = new Int32Array(0);
  /** Whether `sums` is kept (from the first sumRange on). */
  private summing = false;
  /** Sum of each page's values, kept by (new − old) updates; see the error bound above. */
  private sums = new Float64Array(0);
  /** Per page: updates of its sum since the sum was last computed from its values. */
  private drift = new Int32Array(0);
  /** What a select that runs out of levels leaves: how many of those asked for are still to find. */
  private left = 0;
  /** Where the sum helpers leave their sum: a double returned from a call that is not inlined is boxed. */
  private readonly out = new Float64Array(1);

  /** Value at an integer tick; 0 when none (also for prices outside the int32 range). */
  get(priceTicks: number): number {
    if ((priceTicks | 0) !== priceTicks) return 0;
    const d = (priceTicks >> PAGE_BITS) - this.dirBase;
    if (d < 0 || d >= this.dir.length) return 0;
    const slot = this.dir[d] ?? NO_PAGE;
    if (slot === NO_PAGE) return 0;
    return this.values[(slot << PAGE_BITS) + (priceTicks & PAGE_MASK)] ?? 0;
  }

  /** Stores `value` (> 0, or 0 to remove) and returns the previous value. */
  set(priceTicks: number, value: number): number {
    // Kept small (rare paths are calls) so that it inlines into its callers.
    const d = (priceTicks >> PAGE_BITS) - this.dirBase;
    let slot = d >= 0 && d < this.dir.length && (priceTicks | 0) === priceTicks ? (this.dir[d] ?? NO_PAGE) : NO_PAGE;
    if (slot === NO_PAGE) {
      slot = this.pageFor(priceTicks, value);
      if (slot === NO_PAGE) return 0;
    }
    const at = (slot << PAGE_BITS) + (priceTicks & PAGE_MASK);
    const old = this.values[at] ?? 0;
    this.store(slot, at, old, value);
    return old;
  }

  /** Writes `value` over `old` at `at` of `slot`'s page, keeping counts, bits and sums (set and add). */
  private store(slot: number, at: number, old: number, value: number): void {
    this.values[at] = value;
    if (old === 0 || value === 0) {
      if (old === value) return;
      // A level appears or goes: its occupancy bit (bit at & 31 of word at >> 5) flips.
      if (this.indexed === true) this.bits[at >> 5] = (this.bits[at >> 5] ?? 0) ^ (1 << (at & 31));
      const step = old === 0 ? 1 : -1;
      this.count += step;
      const left = (this.used[slot] ?? 0) + step;
      this.used[slot] = left;
      if (left === 0) {
        this.releaseSlot(slot);
        return;
      }
    }
    // value − old is exact when either is 0.
    if (this.summing === true) this.addToSum(slot, value - old);
  }

  /** What `add` found at the tick before it changed it. */
  lastOld = 0;

  /**
   * `set(priceTicks, q)` with q = get(priceTicks) + delta, or 0 when q <= epsilon (or NaN), in one
   * page lookup. Returns q; the previous value is left in `lastOld`. The order book's hot path
   * (a level moved by a message's size) calls this once per row.
   */
  add(priceTicks: number, delta: number, epsilon: number): number {
    const d = (priceTicks >> PAGE_BITS) - this.dirBase;
    let slot = d >= 0 && d < this.dir.length && (priceTicks | 0) === priceTicks ? (this.dir[d] ?? NO_PAGE) : NO_PAGE;
    if (slot === NO_PAGE) {
      // Nothing stored here: the level starts from 0.
      let fresh = 0 + delta;
      if (!(fresh > epsilon)) fresh = 0;
      this.lastOld = 0;
      // pageFor refuses a price off the int32 tick grid, and makes no page for a 0.
      slot = this.pageFor(priceTicks, fresh);
      if (slot === NO_PAGE) return 0;
    }
    const at = (slot << PAGE_BITS) + (priceTicks & PAGE_MASK);
    const old = this.values[at] ?? 0;
    this.lastOld = old;
    let value = old + delta;
    if (!(value > epsilon)) value = 0;
    this.store(slot, at, old, value);
    return value;
  }

  /**
   * The slot for a price whose page is absent (or that is outside the directory): a new page when
   * `value` is not 0, else NO_PAGE. Throws for a price that is not an int32 tick.
   */
  private pageFor(priceTicks: number, value: number): number {
    if ((priceTicks | 0) !== priceTicks) {
      throw new RangeError(`price ${priceTicks} is not an integer tick in the int32 range`);
    }
    if (value === 0) return NO_PAGE;
    const page = priceTicks >> PAGE_BITS;
    if (page < this.dirBase || page >= this.dirBase + this.dir.length) this.growDirectory(page);
    return this.takeSlot(page - this.dirBase);
  }

  /** Highest tick strictly below `priceTicks` holding a value, or NaN. O(1) when it is within 32 ticks. */
  nextBelow(priceTicks: number): number {
    return this.seek(priceTicks, 1, false);
  }

  /** Lowest tick strictly above `priceTicks` holding a value, or NaN. */
  nextAbove(priceTicks: number): number {
    return this.seek(priceTicks, 1, true);
  }

  /**
   * The n-th tick (n >= 1, an integer) strictly below `priceTicks` holding a value, or NaN when
   * there are fewer. Pages are skipped whole by their level counts: O(pages crossed), not O(n).
   */
  nthBelow(priceTicks: number, n: number): number {
    return this.seek(priceTicks, n, false);
  }

  /** The n-th tick (n >= 1, an integer) strictly above `priceTicks` holding a value, or NaN. See nthBelow. */
  nthAbove(priceTicks: number, n: number): number {
    return this.seek(priceTicks, n, true);
  }

  /**
   * Sum of the values at ticks in [lo, hi] (bounds may be fractional or infinite; NaN gives 0).
   * Pages in between are added from their sums; only the levels of the end pages are visited (or,
   * when the range spans more than half of an end page, the levels it leaves out there). See the
   * error bound above; a range without levels gives exactly 0.
   */
  sumRange(lo: number, hi: number): number {
    if (this.summing !== true) this.startSumming();
    if (this.count === 0 || !(lo <= hi)) return 0;
    const first = lo <= -2147483648 ? -2147483648 : Math.ceil(lo);
    const last = hi >= 2147483647 ? 2147483647 : Math.floor(hi);
    if (first > last) return 0;
    const len = this.dir.length;
    let dLo = (first >> PAGE_BITS) - this.dirBase;
    let dHi = (last >> PAGE_BITS) - this.dirBase;
    let oLo = first & PAGE_MASK;
    let oHi = last & PAGE_MASK;
    if (dLo < 0) {
      dLo = 0;
      oLo = 0;
    }
    if (dHi >= len) {
      dHi = len - 1;
      oHi = PAGE_MASK;
    }
    if (dLo > dHi) return 0;
    if (dLo === dHi) {
      const slot = this.dir[dLo] ?? NO_PAGE;
      if (slot === NO_PAGE) return 0;
      this.pagePart(slot, oLo, oHi);
      return this.out[0] ?? 0;
    }
    let sum = 0;
    const loSlot = this.dir[dLo] ?? NO_PAGE;
    if (loSlot !== NO_PAGE) {
      this.pagePart(loSlot, oLo, PAGE_MASK);
      sum += this.out[0] ?? 0;
    }
    for (let d = this.pageAtOrAbove(dLo + 1); d >= 0 && d < dHi; d = this.pageAtOrAbove(d + 1)) {
      const slot = this.dir[d] ?? NO_PAGE;
      this.refreshSum(slot);
      sum += this.sums[slot] ?? 0;
    }
    const hiSlot = this.dir[dHi] ?? NO_PAGE;
    if (hiSlot !== NO_PAGE) {
      this.pagePart(hiSlot, 0, oHi);
      sum += this.out[0] ?? 0;
    }
    return sum;
  }

  /**
   * sumRange(lo, top) for a caller that knows `top` (an int32 tick) is the highest tick holding a
   * value: top's page is then added from its sum, without visiting its levels.
   */
  sumDownFrom(top: number, lo: number): number {
    return lo <= top ? this.sumRange(lo, top | PAGE_MASK) : 0;
  }

  /** sumRange(bottom, hi) for a caller that knows `bottom` (an int32 tick) is the lowest tick holding a value. */
  sumUpFrom(bottom: number, hi: number): number {
    return bottom <= hi ? this.sumRange(bottom & ~PAGE_MASK, hi) : 0;
  }

  /** Removes every value; keeps the pool and directory for reuse. */
  clear(): void {
    for (let slot = 0; slot < this.slotsInUse; slot++) {
      if ((this.used[slot] ?? 0) > 0) {
        this.values.fill(0, slot << PAGE_BITS, (slot + 1) << PAGE_BITS);
        if (this.indexed === true) this.bits.fill(0, slot << PAGE_WORDS_BITS, (slot + 1) << PAGE_WORDS_BITS);
        this.releaseSlot(slot);
      }
    }
    this.count = 0;
  }

  private addToSum(slot: number, delta: number): void {
    this.sums[slot] = (this.sums[slot] ?? 0) + delta;
    this.drift[slot] = (this.drift[slot] ?? 0) + 1;
  }

  /** Builds the tick bits of every page from its values, and keeps them from now on. */
  private buildIndex(): void {
    for (let slot = 0; slot < this.slotsInUse; slot++) {
      if ((this.used[slot] ?? 0) === 0) continue;
      for (let wi = 0; wi < PAGE_WORDS; wi++) {
        const at = (slot << PAGE_BITS) + (wi << 5);
        let word = 0;
        for (let b = 0; b < 32; b++) if ((this.values[at + b] ?? 0) !== 0) word |= 1 << b;
        this.bits[(slot << PAGE_WORDS_BITS) + wi] = word;
      }
    }
    this.indexed = true;
  }

  /**
   * nthAbove (`up`) or nthBelow. One function for both directions, which also keeps it too large
   * for V8 to inline: it is the slow path of nextBelow/nextAbove, which DenseL2Book.set calls when
   * the touch goes, and inlined there it would crowd the update path out of its callers.
   */
  private seek(priceTicks: number, n: number, upward: boolean): number {
    // A parameter V8 cannot type: compared once, not tested for truthiness at each use
    // (docs/performance.md, "Truthiness of loaded values").
    const up = upward === true;
    if (!(n >= 1 && n <= this.count) || priceTicks !== priceTicks) return NaN;
    if (this.indexed !== true) this.buildIndex();
    const len = this.dir.length;
    if (n === 1 && (priceTicks | 0) === priceTicks) {
      // The commonest question (the next level after a book's touch goes) first: is it in the
      // same 32-tick bit word?
      const p = up ? priceTicks + 1 : priceTicks - 1;
      const dp = (p >> PAGE_BITS) - this.dirBase;
      const slot = (p | 0) === p && dp >= 0 && dp < len ? (this.dir[dp] ?? NO_PAGE) : NO_PAGE;
      if (slot !== NO_PAGE) {
        const at = (slot << PAGE_BITS) + (p & PAGE_MASK);
        const word = this.bits[at >> 5] ?? 0;
        const m = word & (up ? atOrAbove(at & 31) : atOrBelow(at & 31));
        if (m !== 0) return (p & ~31) + (up ? lowestBit(m) : highestBit(m));
      }
    }
    let d: number;
    let off: number;
    if (up) {
      if (priceTicks < -2147483648) {
        d = 0;
        off = 0;
      } else {
        const p = Math.floor(priceTicks) + 1;
        if (p > 2147483647) return NaN;
        d = (p >> PAGE_BITS) - this.dirBase;
        off = p & PAGE_MASK;
        if (d >= len) return NaN;
        if (d < 0) {
          d = 0;
          off = 0;
        }
      }
    } else if (priceTicks > 2147483647) {
      d = len - 1;
      off = PAGE_MASK;
    } else {
      const p = Math.ceil(priceTicks) - 1;
      if (p < -2147483648) return NaN;
      d = (p >> PAGE_BITS) - this.dirBase;
      off = p & PAGE_MASK;
      if (d < 0) return NaN;
      if (d >= len) {
        d = len - 1;
        off = PAGE_MASK;
      }
    }
    const slot = this.dir[d] ?? NO_PAGE;
    if (slot !== NO_PAGE) {
      const o = up ? this.selectUp(slot, off, n) : this.selectDown(slot, off, n);
      if (o >= 0) return (d + this.dirBase) * PAGE_SIZE + o;
      n = this.left;
    }
    for (d = up ? this.pageAtOrAbove(d + 1) : this.pageAtOrBelow(d - 1); d >= 0; d = up ? this.pageAtOrAbove(d + 1) : this.pageAtOrBelow(d - 1)) {
      const s = this.dir[d] ?? NO_PAGE;
      const u = this.used[s] ?? 0;
      if (n <= u) {
        // Count from whichever end of the page is nearer: the n-th from one end is the
        // (u + 1 − n)-th from the other.
        const near = 2 * n <= u + 1;
        const k = near ? n : u + 1 - n;
        const o = up === near ? this.selectUp(s, 0, k) : this.selectDown(s, PAGE_MASK, k);
        return (d + this.dirBase) * PAGE_SIZE + o;
      }
      n -= u;
    }
    return NaN;
  }

  /** Computes every page's sum, and keeps the sums from now on. */
  private startSumming(): void {
    if (this.indexed !== true) this.buildIndex();
    for (let slot = 0; slot < this.slotsInUse; slot++) {
      this.sumOffsets(slot, 0, PAGE_MASK);
      this.sums[slot] = this.out[0] ?? 0;
      this.drift[slot] = 0;
    }
    this.summing = true;
  }

  /**
   * Offset of the n-th set tick of a page counting down from offset `off` inclusive; -1 when the
   * page has fewer there, with `left` set to how many are still to find below the page.
   */
  private selectDown(slot: number, off: number, n: number): number {
    const base = slot << PAGE_WORDS_BITS;
    let wi = off >> 5;
    let m = (this.bits[base + wi] ?? 0) & atOrBelow(off & 31);
    for (;;) {
      if (m !== 0) {
        const c = popcount(m);
        if (n <= c) {
          for (; n > 1; n--) m &= ~(1 << highestBit(m));
          return (wi << 5) | highestBit(m);
        }
        n -= c;
      }
      if (--wi < 0) break;
      m = this.bits[base + wi] ?? 0;
    }
    this.left = n;
    return -1;
  }

  /** Like selectDown, counting up from offset `off` inclusive. */
  private selectUp(slot: number, off: number, n: number): number {
    const base = slot << PAGE_WORDS_BITS;
    let wi = off >> 5;
    let m = (this.bits[base + wi] ?? 0) & atOrAbove(off & 31);
    for (;;) {
      if (m !== 0) {
        const c = popcount(m);
        if (n <= c) {
          for (; n > 1; n--) m &= m - 1;
          return (wi << 5) | lowestBit(m);
        }
        n -= c;
      }
      if (++wi >= PAGE_WORDS) break;
      m = this.bits[base + wi] ?? 0;
    }
    this.left = n;
    return -1;
  }

  /**
   * Sum of a page's values at offsets [lo, hi], visiting only the levels there (in tick order), left
   * in out[0]; returns how many levels it added.
   */
  private sumOffsets(slot: number, lo: number, hi: number): number {
    const base = slot << PAGE_WORDS_BITS;
    const wLo = lo >> 5;
    const wHi = hi >> 5;
    let sum = 0;
    let visited = 0;
    for (let wi = wLo; wi <= wHi; wi++) {
      let m = this.bits[base + wi] ?? 0;
      if (wi === wLo) m &= atOrAbove(lo & 31);
      if (wi === wHi) m &= atOrBelow(hi & 31);
      const at = (slot << PAGE_BITS) + (wi << 5);
      while (m !== 0) {
        sum += this.values[at + lowestBit(m)] ?? 0;
        visited++;
        m &= m - 1;
      }
    }
    this.out[0] = sum;
    return visited;
  }

  /**
   * Sum of a page's values at offsets [lo, hi], left in out[0]: of the levels there when the range
   * is at most half the page, else the page sum less the levels outside it.
   */
  private pagePart(slot: number, lo: number, hi: number): void {
    if (2 * (hi - lo + 1) <= PAGE_SIZE) {
      this.sumOffsets(slot, lo, hi);
      return;
    }
    let rest = 0;
    let outside = 0;
    if (lo > 0) {
      outside += this.sumOffsets(slot, 0, lo - 1);
      rest += this.out[0] ?? 0;
    }
    if (hi < PAGE_MASK) {
      outside += this.sumOffsets(slot, hi + 1, PAGE_MASK);
      rest += this.out[0] ?? 0;
    }
    if (outside === (this.used[slot] ?? 0)) {
      // A range without levels sums to exactly 0.
      this.out[0] = 0;
      return;
    }
    this.refreshSum(slot);
    const total = this.sums[slot] ?? 0;
    this.out[0] = outside === 0 ? total : total - rest;
  }

  /** Recomputes a page's sum from its levels when enough updates have rounded it (see above). */
  private refreshSum(slot: number): void {
    const drift = this.drift[slot] ?? 0;
    if (drift !== 0 && drift >= (this.used[slot] ?? 0)) {
      this.sumOffsets(slot, 0, PAGE_MASK);
      this.sums[slot] = this.out[0] ?? 0;
      this.drift[slot] = 0;
    }
  }

  /** Highest directory index <= d that holds a page, or -1. */
  private pageAtOrBelow(d: number): number {
    if (d < 0) return -1;
    let w = d >> 5;
    let m = (this.dirBits[w] ?? 0) & atOrBelow(d & 31);
    if (m === 0) {
      if (w === 0) return -1;
      w--;
      let s = w >> 5;
      let sm = (this.dirSummary[s] ?? 0) & atOrBelow(w & 31);
      while (sm === 0) {
        if (--s < 0) return -1;
        sm = this.dirSummary[s] ?? 0;
      }
      w = (s << 5) | highestBit(sm);
      m = this.dirBits[w] ?? 0;
    }
    return (w << 5) | highestBit(m);
  }

  /** Lowest directory index >= d that holds a page, or -1. */
  private pageAtOrAbove(d: number): number {
    const words = this.dirBits.length;
    if (d >= words << 5) return -1;
    let w = d >> 5;
    let m = (this.dirBits[w] ?? 0) & atOrAbove(d & 31);
    if (m === 0) {
      w++;
      if (w >= words) return -1;
      let s = w >> 5;
      let sm = (this.dirSummary[s] ?? 0) & atOrAbove(w & 31);
      const summaries = this.dirSummary.length;
      while (sm === 0) {
        if (++s >= summaries) return -1;
        sm = this.dirSummary[s] ?? 0;
      }
      w = (s << 5) | lowestBit(sm);
      m = this.dirBits[w] ?? 0;
    }
    return (w << 5) | lowestBit(m);
  }

  private markPage(d: number): void {
    const w = d >> 5;
    const m = this.dirBits[w] ?? 0;
    this.dirBits[w] = m | (1 << (d & 31));
    if (m === 0) this.dirSummary[w >> 5] = (this.dirSummary[w >> 5] ?? 0) | (1 << (w & 31));
  }

  private unmarkPage(d: number): void {
    const w = d >> 5;
    const m = (this.dirBits[w] ?? 0) & ~(1 << (d & 31));
    this.dirBits[w] = m;
    if (m === 0) this.dirSummary[w >> 5] = (this.dirSummary[w >> 5] ?? 0) & ~(1 << (w & 31));
  }

  private takeSlot(dirIndex: number): number {
    let slot: number;
    if (this.freeTop > 0) {
      slot = this.freeSlots[--this.freeTop] ?? 0;
    } else {
      slot = this.slotsInUse++;
      if (slot << PAGE_BITS >= this.values.length) this.growPool();
    }
    this.dir[dirIndex] = slot;
    this.markPage(dirIndex);
    this.slotPage[slot] = dirIndex + this.dirBase;
    this.used[slot] = 0;
    this.sums[slot] = 0;
    this.drift[slot] = 0;
    return slot;
  }

  /** Only called for an all-zero page (values and, when kept, bits), so it needs no wiping before reuse. */
  private releaseSlot(slot: number): void {
    const d = (this.slotPage[slot] ?? 0) - this.dirBase;
    this.dir[d] = NO_PAGE;
    this.unmarkPage(d);
    this.used[slot] = 0;
    this.freeSlots[this.freeTop++] = slot;
  }

  private growPool(): void {
    const slots = Math.max(4, (this.values.length >> PAGE_BITS) * 2);
    const values = new Float64Array(slots << PAGE_BITS);
    values.set(this.values);
    this.values = values;
    const bits = new Int32Array(slots << PAGE_WORDS_BITS);
    bits.set(this.bits);
    this.bits = bits;
    const used = new Int32Array(slots);
    used.set(this.used);
    this.used = used;
    const sums = new Float64Array(slots);
    sums.set(this.sums);
    this.sums = sums;
    const drift = new Int32Array(slots);
    drift.set(this.drift);
    this.drift = drift;
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
    // Its length is a multiple of 32 (as MAX_DIRECTORY is), so the page bits fill whole words.
    const len = Math.min(MAX_DIRECTORY, (Math.max(32, span * 2) + 31) & ~31);
    const base = Math.max(MIN_PAGE, Math.min(lo - Math.floor((len - span) / 2), MAX_PAGE + 1 - len));
    const dir = new Int32Array(len).fill(NO_PAGE);
    if (oldLen > 0) dir.set(this.dir, this.dirBase - base);
    this.dir = dir;
    this.dirBase = base;
    this.dirBits = new Int32Array(len >> 5);
    this.dirSummary = new Int32Array(((len >> 5) + 31) >> 5);
    for (let d = 0; d < len; d++) if ((dir[d] ?? NO_PAGE) !== NO_PAGE) this.markPage(d);
  }
}
