// Messages in flight between the two sides of a backtest (order actions on their way to the
// exchange, reports on their way back), ordered by delivery time. At equal times the exchange acts
// first, then messages keep their sending order — the tie rule that makes a run reproducible.
import type { OrderAction } from '../engine.js';
import type { ExchangeReport } from './exchange.js';
import type { FillRecord } from './records.js';

export interface Pending {
  t: number;
  seq: number;
  toExchange: boolean;
  action?: OrderAction;
  report?: ExchangeReport;
  /** The fill's record, completed with the time the strategy learns of it. */
  record?: FillRecord;
}

/** A binary heap of pending messages by (time, arrival order). */
export class PendingQueue {
  private readonly items: Pending[] = [];
  /** Items handed back by `release`, reused by `push`: a busy run sends one per order action and report. */
  private readonly spare: Pending[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  push(p: Omit<Pending, 'seq'>): void {
    // Every item gets the same fields in the same order (a spread copied whichever were present,
    // giving the heap several object shapes and costing a generic copy per message).
    let item = this.spare.pop();
    if (item) {
      item.t = p.t;
      item.seq = this.seq++;
      item.toExchange = p.toExchange;
      item.action = p.action;
      item.report = p.report;
      item.record = p.record;
    } else {
      item = { t: p.t, seq: this.seq++, toExchange: p.toExchange, action: p.action, report: p.report, record: p.record };
    }
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, a[parent] as Pending)) break;
      a[i] = a[parent] as Pending;
      i = parent;
    }
    a[i] = item;
  }
  /** Hands a popped item back for reuse; the caller keeps no reference to it. */
  release(p: Pending): void {
    p.action = undefined;
    p.report = undefined;
    p.record = undefined;
    this.spare.push(p);
  }
  pop(): Pending | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best = last;
      if (l < a.length && before(a[l] as Pending, best)) {
        m = l;
        best = a[l] as Pending;
      }
      if (r < a.length && before(a[r] as Pending, best)) m = r;
      if (m === i) break;
      a[i] = a[m] as Pending;
      i = m;
    }
    a[i] = last;
    return top;
  }
}

function before(a: Pending, b: Pending): boolean {
  // At equal times the exchange acts first, then messages keep their sending order.
  if (a.t !== b.t) return a.t < b.t;
  if (a.toExchange !== b.toExchange) return a.toExchange;
  return a.seq < b.seq;
}
