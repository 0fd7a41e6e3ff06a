// Our own working orders: by id, and per market and side in best-first order for the quote diff.
// Quote orders and hedge orders are kept apart: the quote diff never touches a hedge.
import { Side, type SideValue } from './events.js';
import type { WorkingOrderView } from './quote/order-diff.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BID = Side.Bid;

export interface WorkingOrder extends WorkingOrderView {
  market: number;
  side: SideValue;
  /** Price as a number (priceTicks × the market's tick). */
  price: number;
  /** Quantity still open. */
  qty: number;
  filled: number;
  level: number;
  hedge: boolean;
  /** Hash of the plan that made (or last amended) it. */
  planHash: string;
  /** A cancel was sent and the venue has not confirmed it: the order can still fill. */
  closing?: boolean;
}

export class OrderRegistry {
  private readonly byId = new Map<number, WorkingOrder>();
  /**
   * The same orders in the Map's (insertion) order, for the sums the risk gate asks for at every
   * check: an indexed loop allocates no iterator, and adds in the same order as iterating the Map.
   */
  private readonly inOrder: WorkingOrder[] = [];
  /** [market][side] → quote orders best-first. */
  private readonly quotes: WorkingOrder[][][];
  private nextId = 1;

  constructor(markets: number) {
    this.quotes = Array.from({ length: markets }, () => [[], []]);
  }

  newId(): number {
    return this.nextId++;
  }

  get(id: number): WorkingOrder | undefined {
    return this.byId.get(id);
  }

  quoteOrders(market: number, side: SideValue): WorkingOrder[] {
    return this.quotes[market]?.[side] ?? [];
  }

  all(): IterableIterator<WorkingOrder> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  add(o: WorkingOrder): void {
    const known = this.byId.get(o.id);
    if (known !== undefined) this.inOrder[this.inOrder.indexOf(known)] = o; // a Map keeps a re-set key where it was
    else this.inOrder.push(o);
    this.byId.set(o.id, o);
    if (o.hedge !== true) this.resort(o.market, o.side, o);
  }

  /** After a price change (amend), keeps the side list sorted. */
  moved(o: WorkingOrder): void {
    if (o.hedge !== true) this.resort(o.market, o.side);
  }

  /**
   * A cancel is on its way: the order leaves the quote lists (the plan no longer wants it) but stays
   * known — and counted as potential position — until the venue confirms it gone.
   */
  close(id: number): WorkingOrder | undefined {
    const o = this.byId.get(id);
    if (o === undefined || o.closing === true) return undefined;
    o.closing = true;
    if (o.hedge !== true) {
      const list = this.quoteOrders(o.market, o.side);
      const i = list.indexOf(o);
      if (i >= 0) list.splice(i, 1);
    }
    return o;
  }

  remove(id: number): WorkingOrder | undefined {
    const o = this.byId.get(id);
    if (o === undefined) return undefined;
    this.byId.delete(id);
    const k = this.inOrder.indexOf(o);
    if (k >= 0) this.inOrder.splice(k, 1);
    if (o.hedge !== true && o.closing !== true) {
      const list = this.quoteOrders(o.market, o.side);
      const i = list.indexOf(o);
      if (i >= 0) list.splice(i, 1);
    }
    return o;
  }

  /** Open quantity on one side of a market (quotes and hedges), except one order. */
  workingQty(market: number, side: SideValue, except: number): number {
    let q = 0;
    const list = this.inOrder;
    for (let k = 0; k < list.length; k++) {
      const o = list[k] as WorkingOrder;
      if (o.market === market && o.side === side && o.id !== except) q += o.qty;
    }
    return q;
  }

  hedgeWorking(market: number): boolean {
    const list = this.inOrder;
    for (let k = 0; k < list.length; k++) {
      const o = list[k] as WorkingOrder;
      if (o.hedge && o.market === market && !o.closing) return true;
    }
    return false;
  }

  private resort(market: number, side: SideValue, added?: WorkingOrder): void {
    const sides = this.quotes[market];
    const list = sides !== undefined ? sides[side] : undefined;
    if (list === undefined) return;
    if (added !== undefined) list.push(added);
    // Lists hold a handful of orders: insertion sort, no allocation.
    for (let i = 1; i < list.length; i++) {
      const x = list[i];
      if (x === undefined) continue;
      let j = i - 1;
      while (j >= 0) {
        const y = list[j];
        if (y === undefined || !(side === BID ? y.priceTicks < x.priceTicks : y.priceTicks > x.priceTicks)) break;
        list[j + 1] = y;
        j--;
      }
      list[j + 1] = x;
    }
  }

  export(): WorkingOrder[] {
    return [...this.byId.values()].map((o) => ({ ...o }));
  }

  import(orders: WorkingOrder[], nextId: number): void {
    this.byId.clear();
    this.inOrder.length = 0;
    for (const l of this.quotes) {
      l[0]?.splice(0);
      l[1]?.splice(0);
    }
    for (const o of orders) {
      const copy = { ...o };
      const known = this.byId.get(copy.id);
      if (known) this.inOrder[this.inOrder.indexOf(known)] = copy;
      else this.inOrder.push(copy);
      this.byId.set(copy.id, copy);
      if (!copy.hedge && !copy.closing) this.resort(copy.market, copy.side, copy);
    }
    this.nextId = Math.max(this.nextId, nextId);
  }

  get next(): number {
    return this.nextId;
  }
}
