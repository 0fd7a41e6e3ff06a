// What a plan reads about one market, derived from its L2 book: the touch, mid, microprice and the
// other book fields of the language. The touch-derived values are refreshed once per venue message
// (`refresh`) and read as plain fields by the linked evaluator; level queries go to the book.
import type { L2Book } from './book/l2-book.js';
import { Side } from './events.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BID = Side.Bid;
const ASK = Side.Ask;

export class MarketView {
  bid = NaN;
  ask = NaN;
  bidQty = 0;
  askQty = 0;
  mid = NaN;
  microprice = NaN;
  spread = NaN;
  /** Last public trade price (NaN until the first trade; readers fall back to the mid). */
  lastTrade = NaN;
  /** True when the mid changed at the last refresh. */
  midChanged = false;

  constructor(
    readonly book: L2Book,
    /** The plan market's own tick and lot: what the DSL's m.tick and m.lot return. */
    readonly tick: number,
    readonly lot: number,
  ) {}

  get last(): number {
    return Number.isNaN(this.lastTrade) ? this.mid : this.lastTrade;
  }

  refresh(): void {
    const b = this.book;
    const ft = b.tickSize;
    const bt = b.bestBid();
    const at = b.bestAsk();
    this.bid = bt * ft;
    this.ask = at * ft;
    this.bidQty = Number.isNaN(bt) ? 0 : b.qtyAt(BID, bt);
    this.askQty = Number.isNaN(at) ? 0 : b.qtyAt(ASK, at);
    const mid = (this.bid + this.ask) / 2;
    this.midChanged = mid !== this.mid && !(Number.isNaN(mid) && Number.isNaN(this.mid));
    this.mid = mid;
    this.spread = this.ask - this.bid;
    const q = this.bidQty + this.askQty;
    this.microprice = q > 0 ? (this.bid * this.askQty + this.ask * this.bidQty) / q : mid;
  }

  bidAt(level: number): number {
    return level <= 1 ? this.bid : this.book.levelPrice(BID, Math.floor(level)) * this.book.tickSize;
  }
  askAt(level: number): number {
    return level <= 1 ? this.ask : this.book.levelPrice(ASK, Math.floor(level)) * this.book.tickSize;
  }
  bidSizeAt(level: number): number {
    const q = level <= 1 ? this.bidQty : this.book.levelQty(BID, Math.floor(level));
    return Number.isNaN(q) ? 0 : q;
  }
  askSizeAt(level: number): number {
    const q = level <= 1 ? this.askQty : this.book.levelQty(ASK, Math.floor(level));
    return Number.isNaN(q) ? 0 : q;
  }

  /** Microprice formula over the top `levels`: sizes and size-weighted prices summed per side. */
  wmid(levels: number): number {
    let bq = 0;
    let bpq = 0;
    let aq = 0;
    let apq = 0;
    const ft = this.book.tickSize;
    for (let k = 1; k <= levels; k++) {
      const bp = this.book.levelPrice(BID, k);
      const ap = this.book.levelPrice(ASK, k);
      if (!Number.isNaN(bp)) {
        const q = this.book.levelQty(BID, k);
        bq += q;
        bpq += bp * ft * q;
      }
      if (!Number.isNaN(ap)) {
        const q = this.book.levelQty(ASK, k);
        aq += q;
        apq += ap * ft * q;
      }
    }
    if (bq === 0 || aq === 0) return this.mid;
    const bAvg = bpq / bq;
    const aAvg = apq / aq;
    return (bAvg * aq + aAvg * bq) / (aq + bq);
  }

  /** Size within `within` of the mid on one side or both (within: a fraction of the mid, or a price when `isPrice`). */
  depth(within: number, isPrice: boolean, side: -1 | 0 | 1): number {
    if (Number.isNaN(this.mid)) return 0;
    const dist = isPrice ? within : within * this.mid;
    const ft = this.book.tickSize;
    let total = 0;
    if (side <= 0) total += this.book.depthTo(BID, Math.ceil((this.mid - dist) / ft - 1e-9));
    if (side >= 0) total += this.book.depthTo(ASK, Math.floor((this.mid + dist) / ft + 1e-9));
    return total;
  }

  imbalance(levels: number): number {
    let b = 0;
    let a = 0;
    if (levels <= 1) {
      b = this.bidQty;
      a = this.askQty;
    } else {
      for (let k = 1; k <= levels; k++) {
        const bq = this.book.levelQty(BID, k);
        const aq = this.book.levelQty(ASK, k);
        if (!Number.isNaN(bq)) b += bq;
        if (!Number.isNaN(aq)) a += aq;
      }
    }
    return b + a > 0 ? (b - a) / (b + a) : 0;
  }
}
