// Market events as the runtime consumes them: a columnar batch (struct of typed arrays), so replay
// reads numbers straight from memory with no object per event, and a batch can be cached on disk
// as-is. One row is one event in the sense of the benchmarks: one price-level update, one trade,
// one order-book message of L3 data.

/** What a row means. Values are stable: they are stored in the binary cache. */
export const EventKind = {
  /** The market's book is about to be replaced by the BookLevel rows that follow (a snapshot). */
  BookClear: 1,
  /** L2: the absolute quantity resting at (side, priceTicks); 0 removes the level. */
  BookLevel: 2,
  /** A public trade at priceTicks for qty; side is the aggressor: 0 buyer-initiated, 1 seller-initiated. */
  Trade: 3,
  /** Best bid/ask as published by the venue (validation only): price/qty = bid, price2/qty2 = ask. */
  Ticker: 4,
  /** L3: a new visible limit order (orderId, side, priceTicks, qty). */
  OrderAdd: 5,
  /** L3: part of an order cancelled: qty is the amount removed. */
  OrderReduce: 6,
  /** L3: an order deleted; qty is the amount that was left (LOBSTER gives it). */
  OrderDelete: 7,
  /** L3: a visible order executed for qty (also a trade; the aggressor is the opposite side). */
  OrderExecute: 8,
  /** L3: an execution against hidden liquidity (a trade that changes no visible level). */
  HiddenExecute: 9,
  /** Trading halted (orderId 0: halt, 1: quoting resumes, 2: trading resumes — LOBSTER's codes). */
  TradingHalt: 10,
  /** A scheduled or announced calendar event: the name is `names[orderId]`, its time is in price (ns, same clock as exchTs). */
  Calendar: 11,
} as const;
export type EventKindValue = (typeof EventKind)[keyof typeof EventKind];

export const Side = { Bid: 0, Ask: 1 } as const;
export type SideValue = (typeof Side)[keyof typeof Side];

export const EventFlag = {
  /** Last row of one venue message: the book is consistent only after it (quote then, not mid-message). */
  EndOfMessage: 1,
} as const;

/** A feed market: what the data says about the instrument its rows refer to. */
export interface FeedMarket {
  /** ccxt-style venue id: binance, binanceusdm, nasdaq. */
  venue: string;
  /** Unified symbol: BTC/USDT, BTC/USDT:USDT, AAPL/USD. */
  symbol: string;
  /** Price of one tick: rows carry prices as integer ticks of this size. */
  tickSize: number;
  /** Where the rows came from (file names), for messages. */
  source: string;
}

/**
 * A batch of events in time order. Times are nanoseconds since `dayEpochMs` (00:00 UTC of the day
 * the data starts), so they stay exact in a float64 for 104 days and time of day is a modulo.
 */
export interface EventBatch {
  dayEpochMs: number;
  markets: FeedMarket[];
  /** Calendar event names, indexed by orderId of Calendar rows. */
  names: string[];
  length: number;
  kind: Uint8Array;
  market: Uint8Array;
  side: Uint8Array;
  flags: Uint8Array;
  /** Exchange (event) time, ns since dayEpochMs. */
  exchTs: Float64Array;
  /** Local receive time, ns since dayEpochMs (equals exchTs where the data has no local clock). */
  localTs: Float64Array;
  priceTicks: Float64Array;
  qty: Float64Array;
  /** Ticker rows: ask price and size. Other rows: 0. */
  price2Ticks: Float64Array;
  qty2: Float64Array;
  /** L3 order id; Calendar: name index; Binance feeds: update id u (BookClear/BookLevel/Ticker), trade id (Trade). */
  orderId: Float64Array;
  /** Source line of the row (1-based), for error messages that name where the data is wrong. */
  line: Uint32Array;
}

export function allocateBatch(capacity: number, meta: { dayEpochMs: number; markets: FeedMarket[]; names?: string[] }): EventBatch {
  return {
    dayEpochMs: meta.dayEpochMs,
    markets: meta.markets,
    names: meta.names ?? [],
    length: 0,
    kind: new Uint8Array(capacity),
    market: new Uint8Array(capacity),
    side: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
    exchTs: new Float64Array(capacity),
    localTs: new Float64Array(capacity),
    priceTicks: new Float64Array(capacity),
    qty: new Float64Array(capacity),
    price2Ticks: new Float64Array(capacity),
    qty2: new Float64Array(capacity),
    orderId: new Float64Array(capacity),
    line: new Uint32Array(capacity),
  };
}

/** Problems found in data: reported with the file and line, never silently absorbed. */
export interface DataIssue {
  kind: 'sequence_gap' | 'out_of_order' | 'crossed_book' | 'negative_size' | 'malformed_row' | 'unknown_order' | 'stale_update' | 'off_tick'
    /** A replayed book disagrees with the venue's own depth snapshot where both should be exact (LOBSTER orderbook rows). */
    | 'book_mismatch'
    /** A whole file set aside: it records what another file given records too (line 0). */
    | 'duplicate_source';
  source: string;
  line: number;
  message: string;
}
