// What a backtest records, for metrics, reports and trade analysis: every fill of our orders, and
// the marks (mids, positions, PnL) sampled on a regular clock. Plain data, JSON-able.
import type { SideValue } from '../events.js';

export interface FillRecord {
  /** Exchange time of the fill (ns since the batch's dayEpochMs). */
  tNs: number;
  /** When the strategy learned of it (tNs + response latency). */
  localNs: number;
  /** Plan market index and alias. */
  market: number;
  marketAlias: string;
  orderId: number;
  /** Side of OUR order: Bid = we bought. */
  side: SideValue;
  price: number;
  qty: number;
  /** Fee paid in the quote currency; negative is a rebate. */
  fee: number;
  liquidity: 'maker' | 'taker';
  hedge: boolean;
  /** Ladder level of the order (0 = best). */
  level: number;
  /** Scenario applied when the order was placed or last amended. */
  scenario: string;
  /** Hash of the plan that made (or last amended) the order. */
  planHash: string;
  /** Exchange mid at the fill. */
  mid: number;
  /** Our position in that market after the fill. */
  positionAfter: number;
  /** Best bid/ask and their sizes at the fill (the book "as it looked then"). */
  book: { bid: number; ask: number; bidQty: number; askQty: number };
}

/** A regular sample of the strategy's state (every `intervalNs` of event time, and at the end). */
export interface MarkSample {
  tNs: number;
  /** Per plan market. */
  mids: number[];
  positions: number[];
  /** Total PnL (quote currency of the first market), after fees, marked at the mids. */
  pnl: number;
  /** Scenario applied at the sample. */
  scenario: string;
  /** Our best bid and ask per market (NaN when not quoting). */
  quoteBid: number[];
  quoteAsk: number[];
}

export interface OrderCounts {
  placed: number;
  amended: number;
  cancelled: number;
  /** Orders that were filled at least partly. */
  filledOrders: number;
}
