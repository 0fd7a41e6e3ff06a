// What every batch a transform returns must satisfy, checked row by row — the properties the engine
// and the books rely on. The tests run it after every transform and composition; the CLI can run it
// on a transformed batch before a stress run.
//   - columns as long as `length`; times finite; exchTs non-decreasing (localTs may go back: real
//     captures interleave receive times);
//   - known kinds, markets in range, side 0/1, no flag but EndOfMessage;
//   - prices of book levels, trades and L3 rows whole ticks >= 1; ticker prices whole ticks >= 0;
//     quantities finite and >= 0;
//   - a snapshot (BookClear) is followed only by BookLevel (or BookClear) rows of its market up to that market's
//     EndOfMessage; every book row ends up in a message that ends (no book rows after the market's
//     last EndOfMessage);
//   - L3: a message about an order known since the market's last BookClear names the order's side
//     and price; a reduce or execution does not take more than the order has left;
//   - reported, not violations: crossed books at message ends (replayed through BookReplayer), L3
//     messages about unknown orders, decrements larger than their level.
import { BookReplayer } from '../book/replay.js';
import { EventFlag, EventKind, type EventBatch } from '../events.js';
import { hasPrice, isBookKind } from './writer.js';

export interface BatchCheck {
  /** Broken invariants, first `maxViolations` of them, each naming its row. */
  violations: string[];
  /** Total number of broken invariants (violations holds at most maxViolations). */
  violationCount: number;
  /** Message ends (of a market whose message changed its book) where best bid >= best ask. */
  crossedMessageEnds: number;
  /** Message ends at which a market's book was checked for crossing. */
  bookMessageEnds: number;
  /** L3 messages about orders unknown to the replayed book (L3Book stats, summed over markets). */
  unknownOrders: number;
  /** L3 decrements larger than their level (L3Book stats). */
  levelUnderflows: number;
}

const TOLERANCE = 1e-9;

interface RestingOrder {
  side: number;
  price: number;
  left: number;
}

export function checkBatch(batch: EventBatch, options: { maxViolations?: number } = {}): BatchCheck {
  const max = options.maxViolations ?? 20;
  const violations: string[] = [];
  let count = 0;
  const bad = (i: number, what: string): void => {
    count++;
    if (violations.length < max) violations.push(`row ${i} (line ${batch.line[i] ?? 0}): ${what}`);
  };
  const n = batch.length;
  const columns = ['kind', 'market', 'side', 'flags', 'exchTs', 'localTs', 'priceTicks', 'qty', 'price2Ticks', 'qty2', 'orderId', 'line'] as const;
  for (const c of columns) {
    if (batch[c].length < n) {
      return { violations: [`column ${c} has ${batch[c].length} rows, length is ${n}`], violationCount: 1, crossedMessageEnds: 0, bookMessageEnds: 0, unknownOrders: 0, levelUnderflows: 0 };
    }
  }
  const markets = batch.markets.length;
  const inSnapshot = new Uint8Array(Math.max(1, markets));
  const bookOpen = new Uint8Array(Math.max(1, markets));
  const orders = batch.markets.map(() => new Map<number, RestingOrder>());
  const replayer = new BookReplayer(batch);
  let crossed = 0;
  let checked = 0;
  let prevTs = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = batch.kind[i] ?? 0;
    const m = batch.market[i] ?? 0;
    const side = batch.side[i] ?? 0;
    const flags = batch.flags[i] ?? 0;
    const ts = batch.exchTs[i] ?? NaN;
    const price = batch.priceTicks[i] ?? NaN;
    const qty = batch.qty[i] ?? NaN;
    if (!Number.isFinite(ts)) bad(i, `exchTs ${ts} is not finite`);
    else if (ts < prevTs) bad(i, `exchTs goes back (${ts} after ${prevTs})`);
    else prevTs = ts;
    if (!Number.isFinite(batch.localTs[i] ?? NaN)) bad(i, `localTs ${batch.localTs[i]} is not finite`);
    if (!(k >= EventKind.BookClear && k <= EventKind.Calendar)) bad(i, `unknown kind ${k}`);
    if (k !== EventKind.Calendar && m >= markets) bad(i, `market ${m} out of range (${markets} markets)`);
    if (side > 1) bad(i, `side ${side}`);
    if ((flags & ~EventFlag.EndOfMessage) !== 0) bad(i, `unknown flags ${flags}`);
    if (k === EventKind.Ticker) {
      for (const [what, p, q] of [['bid', price, qty], ['ask', batch.price2Ticks[i] ?? NaN, batch.qty2[i] ?? NaN]] as const) {
        if (!(Number.isInteger(p) && p >= 0)) bad(i, `ticker ${what} price ${p} is not a whole tick >= 0`);
        if (!(Number.isFinite(q) && q >= 0)) bad(i, `ticker ${what} size ${q} is not >= 0`);
      }
    } else if (hasPrice(k)) {
      if (!(Number.isInteger(price) && price >= 1)) bad(i, `price ${price} is not a whole tick >= 1`);
      if (!(Number.isFinite(qty) && qty >= 0)) bad(i, `quantity ${qty} is not >= 0`);
    }
    if (m < markets && k !== EventKind.Calendar) {
      if (inSnapshot[m] && k !== EventKind.BookLevel && k !== EventKind.BookClear) bad(i, `${kindName(k)} inside a snapshot of market ${m} (after BookClear, before its EndOfMessage)`);
      if (k === EventKind.BookClear) {
        inSnapshot[m] = 1;
        orders[m]?.clear();
      }
      if (isBookKind(k)) bookOpen[m] = 1;
      if (k >= EventKind.OrderAdd && k <= EventKind.OrderExecute) checkOrder(i, k, batch.orderId[i] ?? NaN, side, price, qty, orders[m] ?? new Map(), bad);
    }
    replayer.apply(batch, i);
    if ((flags & EventFlag.EndOfMessage) !== 0 && m < markets && k !== EventKind.Calendar) {
      inSnapshot[m] = 0;
      if (bookOpen[m]) {
        bookOpen[m] = 0;
        const book = replayer.books[m];
        if (book) {
          checked++;
          if (book.bestBid() >= book.bestAsk()) crossed++;
        }
      }
    }
  }
  for (let m = 0; m < markets; m++) if (bookOpen[m]) bad(n - 1, `market ${m} has book rows after its last EndOfMessage`);
  let unknownOrders = 0;
  let levelUnderflows = 0;
  for (const l3 of replayer.orderBooks) {
    if (!l3) continue;
    unknownOrders += l3.stats.unknownOrders;
    levelUnderflows += l3.stats.levelUnderflows;
  }
  return { violations, violationCount: count, crossedMessageEnds: crossed, bookMessageEnds: checked, unknownOrders, levelUnderflows };
}

function checkOrder(
  i: number,
  k: number,
  key: number,
  side: number,
  price: number,
  qty: number,
  orders: Map<number, RestingOrder>,
  bad: (i: number, what: string) => void,
): void {
  const o = orders.get(key);
  if (k === EventKind.OrderAdd) {
    if (!o) orders.set(key, { side, price, left: qty });
    return;
  }
  if (!o) return;
  if (o.side !== side || o.price !== price) bad(i, `${kindName(k)} of order ${key} at side ${side} price ${price}, but it rests at side ${o.side} price ${o.price}`);
  if (k !== EventKind.OrderDelete && qty > o.left + TOLERANCE * Math.max(1, o.left)) bad(i, `${kindName(k)} of ${qty} from order ${key} with ${o.left} left`);
  o.left -= qty;
  if (k === EventKind.OrderDelete || o.left <= TOLERANCE * Math.max(1, qty)) orders.delete(key);
}

function kindName(k: number): string {
  for (const [name, v] of Object.entries(EventKind)) if (v === k) return name;
  return `kind ${k}`;
}
