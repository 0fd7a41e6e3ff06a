// The one interface every venue adapter implements (ccxt against a real exchange or the project's
// loopback venue server; tests may add fakes). Live and paper runners talk to venues only through
// it. Prices and quantities are plain numbers in the venue's units; symbols are unified ccxt
// symbols ("BTC/USDT").

export interface VenueMarketInfo {
  symbol: string;
  base: string;
  quote: string;
  /** Price increment and quantity increment. */
  tickSize: number;
  lotSize: number;
  /** Smallest order quantity and notional the venue accepts (0 when it states none). */
  minQty: number;
  minNotional: number;
}

export type VenueSide = 'buy' | 'sell';

export interface VenueOrderRequest {
  /** Our id for the order: encodes instance and plan hash (see client-ids.ts); the venue echoes it. */
  clientId: string;
  symbol: string;
  side: VenueSide;
  price: number;
  qty: number;
  /** Maker only: the venue rejects it rather than let it take liquidity. */
  postOnly: boolean;
}

export type VenueOrderStatus = 'open' | 'closed' | 'canceled' | 'rejected' | 'expired';

export interface VenueOrder {
  clientId: string;
  venueId: string;
  symbol: string;
  side: VenueSide;
  price: number;
  qty: number;
  filled: number;
  status: VenueOrderStatus;
  /** Venue time of the last change, Unix ms. */
  timeMs: number;
}

export interface VenueFill {
  tradeId: string;
  venueOrderId: string;
  clientId: string | undefined;
  symbol: string;
  side: VenueSide;
  price: number;
  qty: number;
  /** Fee in `feeAsset` (negative: a rebate). */
  fee: number;
  feeAsset: string;
  liquidity: 'maker' | 'taker';
  timeMs: number;
}

export interface VenueBook {
  bids: Array<[price: number, qty: number]>;
  asks: Array<[price: number, qty: number]>;
  timeMs: number;
}

export interface VenueBalance {
  free: number;
  used: number;
  total: number;
}

/**
 * How a failed call may be handled: `retryable` (network, timeout, 429/5xx, venue busy: try again
 * after backing off), `rejected` (the venue refused this order: do not retry it as is),
 * `unknown_order` (no such order at the venue), `fatal` (credentials, permissions, bad request:
 * stop and tell a person).
 */
export type VenueErrorKind = 'retryable' | 'rejected' | 'unknown_order' | 'fatal';

export class VenueError extends Error {
  override name = 'VenueError';
  constructor(
    readonly kind: VenueErrorKind,
    message: string,
    readonly venue: string,
    /** The underlying error's class name (e.g. ccxt's RateLimitExceeded). */
    readonly cause_: string,
  ) {
    super(message);
  }
}

export interface VenueAdapter {
  readonly name: string;
  loadMarkets(symbols: readonly string[]): Promise<Map<string, VenueMarketInfo>>;
  fetchBook(symbol: string, depth: number): Promise<VenueBook>;
  placeOrder(request: VenueOrderRequest): Promise<VenueOrder>;
  /** Cancels by client id; resolves with the order's final state, or null when the venue does not know it. */
  cancelOrder(symbol: string, clientId: string): Promise<VenueOrder | null>;
  fetchOrder(symbol: string, clientId: string): Promise<VenueOrder | null>;
  fetchOpenOrders(symbol?: string): Promise<VenueOrder[]>;
  fetchBalances(): Promise<Record<string, VenueBalance>>;
  /** Our fills since `sinceMs` (inclusive), oldest first. */
  fetchFills(symbol: string, sinceMs?: number): Promise<VenueFill[]>;
  close(): Promise<void>;
}
