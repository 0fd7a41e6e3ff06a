// Order-by-order book for feeds with order ids (LOBSTER / NASDAQ ITCH style).
//
// Design
// - Orders live in a slot pool (struct of typed arrays, grown by doubling, slots recycled through a
//   free list); `index` (an open-addressing table of typed arrays, ./order-index.ts) maps order
//   id → slot. No object is allocated per order or per message.
// - Each price level keeps its known orders as a doubly linked FIFO queue in arrival order. The
//   queue's head and tail slots are stored per tick in TickLadders (slot + 1, 0 = empty), so finding
//   a level never goes through a Map either.
// - The L2 view (`book`, a DenseL2Book) holds each level's total. The total can exceed the known
//   orders' sum: orders resting before the file starts (or placed where a depth-limited feed did
//   not show them) and quantity learnt from L2 information (`setLevel`: snapshots, levels revealed
//   at the edge of a depth-limited feed) belong to no known order. That "unattributed" quantity is
//   assumed to be AHEAD of every known order at its level. It usually is (it is older), and where
//   it is not, the assumption errs on the side a fill simulator wants: an order never looks closer
//   to the front than it may really be.
// - A message about an order the book does not know still moves the level by the message's size at
//   the message's price, and is counted (`stats.unknownOrders`), never thrown: every feed that
//   starts mid-session has such messages.
// - Messages carry their own size; where it disagrees with the order's known remaining quantity,
//   the level moves by the message's size (the venue's figure, which is what depth files show) and
//   the disagreement is counted.
import type { SideValue } from '../events.js';
import { DenseL2Book, QTY_EPSILON } from './dense-l2-book.js';
import { OrderIndex } from './order-index.js';
import { TickLadder } from './tick-ladder.js';
import { grown } from '../grow.js';

/** What happened to a message, so callers can report without the book allocating. */
export const L3Result = {
  Ok: 0,
  /** The order id is not in the book: the level was moved by the message's size alone. */
  UnknownOrder: 1,
  /** An add for an id already resting: the quantity was added to the level, the old order kept. */
  DuplicateOrder: 2,
  /** The message's size differs from the order's remaining quantity (delete) or exceeds it. */
  SizeMismatch: 3,
} as const;
export type L3ResultValue = (typeof L3Result)[keyof typeof L3Result];

export interface L3Stats {
  unknownOrders: number;
  duplicateOrders: number;
  sizeMismatches: number;
  /** Decrements larger than the level's total (the level was cleared instead of going negative). */
  levelUnderflows: number;
  /** Known orders dropped because L2 information showed less at their level than they add up to. */
  forgottenOrders: number;
}

const NONE = -1;

export class L3Book {
  /** The aggregated view, kept in step with every change. */
  readonly book: DenseL2Book;
  readonly stats: L3Stats = { unknownOrders: 0, duplicateOrders: 0, sizeMismatches: 0, levelUnderflows: 0, forgottenOrders: 0 };
  private readonly index = new OrderIndex();
  private capacity = 0;
  private orderId = new Float64Array(0);
  private orderSide = new Uint8Array(0);
  private orderPrice = new Float64Array(0);
  private orderQty = new Float64Array(0);
  /** Arrival sequence: the FIFO rank across the whole book (larger = later). */
  private orderSeq = new Float64Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private freeHead = NONE;
  private slotsUsed = 0;
  private sequence = 0;
  private readonly heads = [new TickLadder(), new TickLadder()] as const;
  private readonly tails = [new TickLadder(), new TickLadder()] as const;

  /** `book` lets an L2 book that already holds a snapshot become the view of this L3 book. */
  constructor(options: { tickSize?: number; book?: DenseL2Book } = {}) {
    this.book = options.book ?? new DenseL2Book(options.tickSize ?? 1);
    this.grow(1024);
  }

  get orderCount(): number {
    return this.index.size;
  }

  has(orderId: number): boolean {
    return this.index.has(orderId);
  }

  /** Remaining quantity of a known order, or NaN. */
  orderQtyOf(orderId: number): number {
    const slot = this.index.get(orderId);
    return slot === NONE ? NaN : (this.orderQty[slot] ?? NaN);
  }

  /** Arrival sequence of a known order (smaller = earlier; FIFO rank across the book), or NaN. */
  arrivalOf(orderId: number): number {
    const slot = this.index.get(orderId);
    return slot === NONE ? NaN : (this.orderSeq[slot] ?? NaN);
  }

  /** A new visible order joins the back of its level's queue. */
  add(orderId: number, side: SideValue, priceTicks: number, qty: number): L3ResultValue {
    this.book.add(side, priceTicks, qty);
    if (this.index.has(orderId)) {
      this.stats.duplicateOrders++;
      return L3Result.DuplicateOrder;
    }
    const slot = this.takeSlot();
    this.orderId[slot] = orderId;
    this.orderSide[slot] = side;
    this.orderPrice[slot] = priceTicks;
    this.orderQty[slot] = qty;
    this.orderSeq[slot] = this.sequence++;
    this.index.set(orderId, slot);
    this.append(slot, side, priceTicks);
    return L3Result.Ok;
  }

  /** Part of an order cancelled (keeps its place in the queue). */
  reduce(orderId: number, side: SideValue, priceTicks: number, qty: number): L3ResultValue {
    return this.decrement(orderId, side, priceTicks, qty, false);
  }

  /** A visible order executed for `qty` (keeps its place while anything is left). */
  execute(orderId: number, side: SideValue, priceTicks: number, qty: number): L3ResultValue {
    return this.decrement(orderId, side, priceTicks, qty, false);
  }

  /** An order deleted; `qty` is what the venue says was left. */
  delete(orderId: number, side: SideValue, priceTicks: number, qty: number): L3ResultValue {
    return this.decrement(orderId, side, priceTicks, qty, true);
  }

  /**
   * L2 information: the level's total is `qty`. Known orders stay queued; if they add up to more
   * than the new total, the level's orders are forgotten (which of them left is unknowable).
   */
  setLevel(side: SideValue, priceTicks: number, qty: number): void {
    this.book.set(side, priceTicks, qty);
    const total = this.book.qtyAt(side, priceTicks);
    let head = this.heads[side].get(priceTicks) - 1;
    if (head === NONE) return;
    let known = 0;
    for (let s = head; s !== NONE; s = this.next[s] ?? NONE) known += this.orderQty[s] ?? 0;
    if (known <= total) return;
    while (head !== NONE) {
      const following = this.next[head] ?? NONE;
      this.index.delete(this.orderId[head] ?? NaN);
      this.releaseSlot(head);
      this.stats.forgottenOrders++;
      head = following;
    }
    this.heads[side].set(priceTicks, 0);
    this.tails[side].set(priceTicks, 0);
  }

  clear(): void {
    this.book.clear();
    this.index.clear();
    this.heads[0].clear();
    this.heads[1].clear();
    this.tails[0].clear();
    this.tails[1].clear();
    this.freeHead = NONE;
    this.slotsUsed = 0;
  }

  /**
   * Quantity ahead of a known order in its level's queue: the level's unattributed quantity (see
   * the design note) plus every known order that arrived earlier. NaN for an unknown order.
   */
  queueAhead(orderId: number): number {
    const slot = this.index.get(orderId);
    if (slot === NONE) return NaN;
    const side = (this.orderSide[slot] ?? 0) as SideValue;
    const price = this.orderPrice[slot] ?? NaN;
    let knownAhead = 0;
    let known = 0;
    let passed = false;
    for (let s = this.heads[side].get(price) - 1; s !== NONE; s = this.next[s] ?? NONE) {
      if (s === slot) passed = true;
      const q = this.orderQty[s] ?? 0;
      known += q;
      if (!passed) knownAhead += q;
    }
    const unattributed = Math.max(0, this.book.qtyAt(side, price) - known);
    return unattributed + knownAhead;
  }

  /** Known order ids resting at a level, front of the queue first (allocates: for tools and tests). */
  ordersAt(side: SideValue, priceTicks: number): number[] {
    const ids: number[] = [];
    for (let s = this.heads[side].get(priceTicks) - 1; s !== NONE; s = this.next[s] ?? NONE) ids.push(this.orderId[s] ?? NaN);
    return ids;
  }

  private decrement(orderId: number, side: SideValue, priceTicks: number, qty: number, removeAll: boolean): L3ResultValue {
    const level = this.book.qtyAt(side, priceTicks);
    if (qty > level + 1e-9) this.stats.levelUnderflows++;
    // book.add(side, priceTicks, -qty) without reading the level a second time (level + −qty is level − qty).
    const left = level - qty;
    this.book.set(side, priceTicks, left > QTY_EPSILON ? left : 0);
    const slot = this.index.get(orderId);
    if (slot === NONE) {
      this.stats.unknownOrders++;
      return L3Result.UnknownOrder;
    }
    const remaining = this.orderQty[slot] ?? 0;
    const orderLeft = remaining - qty;
    let result: L3ResultValue = L3Result.Ok;
    if (removeAll ? orderLeft !== 0 : orderLeft < 0) {
      this.stats.sizeMismatches++;
      result = L3Result.SizeMismatch;
    }
    if (removeAll || orderLeft <= 0) {
      this.unlink(slot);
      this.index.delete(orderId);
      this.releaseSlot(slot);
    } else {
      this.orderQty[slot] = orderLeft;
    }
    return result;
  }

  private append(slot: number, side: SideValue, priceTicks: number): void {
    const tail = this.tails[side].get(priceTicks) - 1;
    this.next[slot] = NONE;
    this.prev[slot] = tail;
    if (tail === NONE) this.heads[side].set(priceTicks, slot + 1);
    else this.next[tail] = slot;
    this.tails[side].set(priceTicks, slot + 1);
  }

  private unlink(slot: number): void {
    const side = (this.orderSide[slot] ?? 0) as SideValue;
    const price = this.orderPrice[slot] ?? NaN;
    const p = this.prev[slot] ?? NONE;
    const n = this.next[slot] ?? NONE;
    if (p === NONE) this.heads[side].set(price, n + 1);
    else this.next[p] = n;
    if (n === NONE) this.tails[side].set(price, p + 1);
    else this.prev[n] = p;
  }

  private takeSlot(): number {
    if (this.freeHead !== NONE) {
      const slot = this.freeHead;
      this.freeHead = this.next[slot] ?? NONE;
      return slot;
    }
    if (this.slotsUsed === this.capacity) this.grow(this.capacity * 2);
    return this.slotsUsed++;
  }

  /** Free slots are chained through `next`. */
  private releaseSlot(slot: number): void {
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
  }

  private grow(capacity: number): void {
    this.orderId = grown(this.orderId, new Float64Array(capacity));
    this.orderSide = grown(this.orderSide, new Uint8Array(capacity));
    this.orderPrice = grown(this.orderPrice, new Float64Array(capacity));
    this.orderQty = grown(this.orderQty, new Float64Array(capacity));
    this.orderSeq = grown(this.orderSeq, new Float64Array(capacity));
    this.prev = grown(this.prev, new Int32Array(capacity));
    this.next = grown(this.next, new Int32Array(capacity));
    this.capacity = capacity;
  }
}
