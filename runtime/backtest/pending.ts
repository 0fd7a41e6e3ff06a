// Messages in flight between the two sides of a backtest (order actions on their way to the
// exchange, reports on their way back), ordered by delivery time. At equal times the exchange acts
// first, then messages keep their sending order — the tie rule that makes a run reproducible.
//
// An order action is copied into the item's own fields rather than kept as the engine's action
// object: the queue holds one item per action for the order latency, and the object the engine
// made can then die young (or never be made, when V8 inlines the sink), which is most of what a
// backtest's order path allocated.
import type { OrderAction } from '../engine.js';
import type { SideValue } from '../events.js';
import type { ExchangeReport } from './exchange.js';
import type { FillRecord } from './records.js';

/** What a pending item carries. */
export const PendingKind = { place: 0, amend: 1, cancel: 2, report: 3 } as const;
export type PendingKindValue = (typeof PendingKind)[keyof typeof PendingKind];

export interface Pending {
  t: number;
  seq: number;
  kind: PendingKindValue;
  /** Order actions (kind place, amend, cancel): the action's fields. */
  id: number;
  market: number;
  side: SideValue;
  price: number;
  qty: number;
  level: number;
  hedge: boolean;
  planHash: string;
  /** kind report: the exchange's report, and for a fill its record, completed with the time the strategy learns of it. */
  report: ExchangeReport | undefined;
  record: FillRecord | undefined;
}

/** A binary heap of pending messages by (time, arrival order). */
export class PendingQueue {
  private readonly items: Pending[] = [];
  /** Items handed back by `release`, reused by the pushes: a busy run sends one per order action and report. */
  private readonly spare: Pending[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }

  /** An order action reaching the exchange at `t`. */
  pushAction(t: number, a: OrderAction): void {
    const item = this.take(t);
    item.id = a.id;
    item.market = a.market;
    item.side = a.side;
    if (a.kind === 'cancel') {
      item.kind = PendingKind.cancel;
    } else {
      item.kind = a.kind === 'place' ? PendingKind.place : PendingKind.amend;
      item.price = a.price;
      item.qty = a.qty;
      item.level = a.level;
      item.hedge = a.kind === 'place' && a.hedge;
      item.planHash = a.planHash;
    }
    this.insert(item);
  }

  /** A report reaching the strategy at `t`. */
  pushReport(t: number, report: ExchangeReport, record: FillRecord | undefined): void {
    const item = this.take(t);
    item.kind = PendingKind.report;
    item.report = report;
    item.record = record;
    this.insert(item);
  }

  /** Hands a popped item back for reuse; the caller keeps no reference to it. */
  release(p: Pending): void {
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

  /** A spare item (or a new one, every field in the same order: one object shape) stamped `t`. */
  private take(t: number): Pending {
    let item = this.spare.pop();
    if (item !== undefined) {
      item.t = t;
      item.seq = this.seq++;
    } else {
      item = { t, seq: this.seq++, kind: PendingKind.report, id: 0, market: 0, side: 0, price: NaN, qty: 0, level: 0, hedge: false, planHash: '', report: undefined, record: undefined };
    }
    return item;
  }

  private insert(item: Pending): void {
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
}

function before(a: Pending, b: Pending): boolean {
  if (a.t !== b.t) return a.t < b.t;
  // At equal times the exchange acts first (order actions before reports), then sending order.
  const ax = a.kind !== PendingKind.report;
  if (ax !== (b.kind !== PendingKind.report)) return ax;
  return a.seq < b.seq;
}
