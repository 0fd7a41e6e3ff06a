// A venue through ccxt (unmodified): market metadata, orders by client id, balances, open orders and
// our fills. ccxt's error classes are mapped to the four kinds the runner acts on (venue.ts), and
// every call first takes its cost from the venue's rate budget.
//
// Books come from REST (one fetchOrderBook per fetchBook) unless `streams: true`: then a background
// loop per symbol keeps ccxt.pro's watchOrderBook book current (the ccxt.pro class of the same
// exchange id, created on the first fetchBook, same config), and fetchBook reads its top levels
// without a request. While the stream is down (connecting, resyncing, cut, or silent for `staleMs`)
// fetchBook falls back to REST; the loop retries with exponential backoff until close().
import type { Exchange, Market, Order, Trade } from 'ccxt';
import { RateBudget, type RequestClass } from './rate-budget.js';
import { VenueError, type VenueAdapter, type VenueBalance, type VenueBook, type VenueFill, type VenueMarketInfo, type VenueOrder, type VenueOrderRequest, type VenueOrderStatus, type VenueSide } from './venue.js';

// ccxt takes ~400 ms to load: it is imported on first use (CcxtVenue.create), so `quoin` commands
// that never talk to a venue do not pay for it at every start.
type CcxtModule = Record<string, unknown> & { pro?: Record<string, unknown> };
let ccxt: CcxtModule | undefined;

export async function loadCcxt(): Promise<CcxtModule> {
  ccxt ??= (await import('ccxt')).default as unknown as CcxtModule;
  return ccxt;
}

function ccxtModule(): CcxtModule {
  if (!ccxt) throw new Error('ccxt is not loaded: make venues with CcxtVenue.create() (or await loadCcxt() first)');
  return ccxt;
}

/** Maps a ccxt error to what the runner may do about it. Subclasses are tested before their parents. */
export function classifyCcxtError(err: unknown): VenueError['kind'] {
  const e = ccxtModule() as unknown as Record<string, new (...a: unknown[]) => Error>;
  const is = (name: string): boolean => typeof e[name] === 'function' && err instanceof e[name]!;
  if (is('OrderNotFound')) return 'unknown_order';
  if (is('InvalidNonce')) return 'retryable'; // clock skew: resync and retry
  if (is('NetworkError')) return 'retryable'; // RateLimitExceeded, DDoSProtection, ExchangeNotAvailable, OnMaintenance, RequestTimeout
  if (is('AuthenticationError') || is('PermissionDenied') || is('AccountSuspended') || is('BadSymbol') || is('NotSupported') || is('ArgumentsRequired')) return 'fatal';
  if (is('InsufficientFunds') || is('InvalidOrder') || is('OrderImmediatelyFillable') || is('OrderNotFillable') || is('DuplicateOrderId')) return 'rejected';
  if (is('BadRequest')) return 'fatal';
  if (is('ExchangeError')) return 'rejected';
  // Anything else (a bug, a malformed answer): treat as retryable, the runner re-queries state.
  return 'retryable';
}

export interface CcxtVenueOptions {
  /** A ccxt exchange id, e.g. 'binance'. */
  exchange: string;
  /** Passed to the ccxt constructor as is (apiKey, secret, urls, options, timeout…). Never logged. */
  config: Record<string, unknown>;
  /** Request weight per second and burst the runner allows itself at this venue (Binance: 6000 weight a minute). */
  budget?: { capacity: number; refillPerSec: number };
  /** Request weight per call class (Binance: order 1, cancel 1, open orders 6 with a symbol, account 20, myTrades 20, depth 5–50). */
  weights?: Partial<Record<'order' | 'cancel' | 'fetchOrder' | 'openOrders' | 'balance' | 'myTrades' | 'book', number>>;
  /** How long to wait for budget before failing a call as retryable (ms). */
  maxBudgetWaitMs?: number;
  /** Books (and onTrades) from ccxt.pro's watch* streams where the exchange has them (default false: REST). */
  streams?: boolean;
  stream?: StreamTuning;
}

export interface StreamTuning {
  /** A streamed book older than this is not served; REST is (default 5000 ms). */
  staleMs?: number;
  /** Backoff after a stream error: first wait and cap (default 250 ms, 5000 ms). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Request weight of the REST snapshot ccxt.pro takes on each (re)subscription, taken from the budget afterwards (default 50: Binance, limit 1000). */
  snapshotWeight?: number;
}

export interface StreamState {
  /** The streamed book is being served. */
  live: boolean;
  /** Book updates received. */
  updates: number;
  /** Times the stream failed and was retried. */
  errors: number;
  lastError: string | undefined;
}

export interface VenuePublicTrade {
  id: string;
  price: number;
  qty: number;
  /** The aggressor's side. */
  side: VenueSide;
  timeMs: number;
}

/** ccxt.pro's order book: sorted sides, mutated in place as the stream updates it. */
interface LiveBook {
  bids: ArrayLike<ArrayLike<number | undefined>>;
  asks: ArrayLike<ArrayLike<number | undefined>>;
  timestamp?: number;
}

interface WatchClient {
  has: Record<string, unknown>;
  watchOrderBook(symbol: string, limit?: number): Promise<LiveBook>;
  watchTrades(symbol: string): Promise<Trade[]>;
  close(): Promise<void>;
}

interface BookStream extends StreamState {
  book: LiveBook | undefined;
  lastUpdateMs: number;
}

const defaultWeights = { order: 1, cancel: 1, fetchOrder: 4, openOrders: 6, balance: 20, myTrades: 20, book: 5 };

function topOf(book: LiveBook, depth: number): VenueBook {
  const side = (levels: LiveBook['bids']): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    const n = Math.min(depth, levels.length);
    for (let i = 0; i < n; i++) {
      const l = levels[i];
      if (l) out.push([Number(l[0]), Number(l[1])]);
    }
    return out;
  };
  return { bids: side(book.bids), asks: side(book.asks), timeMs: book.timestamp ?? Date.now() };
}

function statusOf(o: Order): VenueOrderStatus {
  switch (o.status) {
    case 'open':
      return 'open';
    case 'closed':
      return 'closed';
    case 'canceled':
      return 'canceled';
    case 'rejected':
      return 'rejected';
    case 'expired':
      return 'expired';
    default:
      return 'open';
  }
}

export class CcxtVenue implements VenueAdapter {
  readonly name: string;
  readonly budget: RateBudget;
  private readonly client: Exchange;
  private readonly weights: typeof defaultWeights;
  private readonly maxWaitMs: number;
  private readonly options: CcxtVenueOptions;
  private readonly streams: boolean;
  private readonly tuning: Required<StreamTuning>;
  /** ccxt.pro client: undefined until the first streamed call, null when ccxt.pro lacks the exchange. */
  private pro: WatchClient | null | undefined;
  private readonly bookStreams = new Map<string, BookStream>();
  private readonly loops = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private closing = false;

  /** Loads ccxt (once per process) and makes the venue. */
  static async create(options: CcxtVenueOptions): Promise<CcxtVenue> {
    await loadCcxt();
    return new CcxtVenue(options);
  }

  constructor(options: CcxtVenueOptions) {
    const ctor = (ccxtModule() as unknown as Record<string, new (config: Record<string, unknown>) => Exchange>)[options.exchange];
    if (typeof ctor !== 'function') throw new VenueError('fatal', `ccxt has no exchange '${options.exchange}'`, options.exchange, 'NotSupported');
    this.client = new ctor({ enableRateLimit: false, ...options.config });
    this.name = options.exchange;
    this.budget = new RateBudget(options.budget ?? { capacity: 100, refillPerSec: 50 });
    if (this.budget.available() * 0.8 < 20) throw new VenueError('fatal', `the request budget of ${options.exchange} is too small for its heaviest call (weight 20)`, options.exchange, 'RateBudget');
    this.weights = { ...defaultWeights, ...options.weights };
    this.maxWaitMs = options.maxBudgetWaitMs ?? 2000;
    this.options = options;
    this.streams = options.streams === true;
    this.tuning = { staleMs: 5000, retryMinMs: 250, retryMaxMs: 5000, snapshotWeight: 50, ...options.stream };
  }

  /** Runs one ccxt call within the budget, translating its errors. */
  private async call<T>(kind: RequestClass, weight: number, what: string, fn: () => Promise<T>): Promise<T> {
    const until = Date.now() + this.maxWaitMs;
    while (!this.budget.tryTake(kind, weight)) {
      const wait = this.budget.waitMs(kind, weight);
      if (Date.now() + wait > until) throw new VenueError('retryable', `${what}: over the request budget of ${this.name}`, this.name, 'RateBudget');
      await new Promise((r) => setTimeout(r, Math.max(5, wait)));
    }
    try {
      return await fn();
    } catch (err) {
      const kind_ = classifyCcxtError(err);
      const name = (err as Error)?.constructor?.name ?? 'Error';
      if (name === 'RateLimitExceeded' || name === 'DDoSProtection') this.budget.backOff(1000);
      // ccxt messages start with the exchange id and may hold the request URL, never the secret.
      throw new VenueError(kind_, `${what}: ${name}: ${String((err as Error)?.message ?? err).slice(0, 300)}`, this.name, name);
    }
  }

  async loadMarkets(symbols: readonly string[]): Promise<Map<string, VenueMarketInfo>> {
    const markets = await this.call('query', 20, 'load markets', () => this.client.loadMarkets());
    const out = new Map<string, VenueMarketInfo>();
    for (const symbol of symbols) {
      const m = markets[symbol] as Market | undefined;
      if (!m) throw new VenueError('fatal', `${this.name} has no market ${symbol}`, this.name, 'BadSymbol');
      out.set(symbol, {
        symbol,
        base: m.base,
        quote: m.quote,
        tickSize: Number(m.precision?.price ?? 0),
        lotSize: Number(m.precision?.amount ?? 0),
        minQty: Number(m.limits?.amount?.min ?? 0),
        minNotional: Number(m.limits?.cost?.min ?? 0),
      });
    }
    return out;
  }

  async fetchBook(symbol: string, depth: number): Promise<VenueBook> {
    if (this.streams && !this.closing) {
      const s = this.bookStream(symbol);
      if (s?.live && s.book && Date.now() - s.lastUpdateMs <= this.tuning.staleMs) return topOf(s.book, depth);
    }
    return this.restBook(symbol, depth);
  }

  /** The book stream's state, or undefined when books come from REST (streams off, not started, or unsupported). */
  streamState(symbol: string): StreamState | undefined {
    const s = this.bookStreams.get(symbol);
    return s ? { live: s.live, updates: s.updates, errors: s.errors, lastError: s.lastError } : undefined;
  }

  /**
   * Public trades of `symbol` as the venue streams them (needs `streams: true` and an exchange with
   * watchTrades; otherwise throws fatal). `onTrades` gets each batch of new trades; the returned
   * function stops the loop (at its next trade, or at close()).
   */
  onTrades(symbol: string, onTrades: (trades: VenuePublicTrade[]) => void): () => void {
    const pro = this.streams ? this.proClient() : null;
    if (!pro || pro.has.watchTrades !== true) throw new VenueError('fatal', `${this.name}: no trade stream (streams: ${this.streams})`, this.name, 'NotSupported');
    let stopped = false;
    this.loop(
      () => stopped,
      async () => {
        const trades = await pro.watchTrades(symbol);
        if (stopped) return;
        onTrades(
          trades.map((t) => ({ id: String(t.id), price: Number(t.price), qty: Number(t.amount), side: t.side === 'sell' ? 'sell' : 'buy', timeMs: t.timestamp ?? Date.now() })),
        );
      },
      () => {},
    );
    return () => {
      stopped = true;
    };
  }

  private proClient(): WatchClient | null {
    if (this.pro === undefined) {
      const pro = (ccxtModule() as unknown as { pro?: Record<string, new (config: Record<string, unknown>) => WatchClient> }).pro;
      const ctor = pro?.[this.options.exchange];
      this.pro = typeof ctor === 'function' ? new ctor({ enableRateLimit: false, ...this.options.config }) : null;
    }
    return this.pro;
  }

  /** Starts the symbol's book loop on first use; undefined when the exchange cannot stream books. */
  private bookStream(symbol: string): BookStream | undefined {
    const existing = this.bookStreams.get(symbol);
    if (existing) return existing;
    const pro = this.proClient();
    if (!pro || pro.has.watchOrderBook !== true) return undefined;
    const s: BookStream = { book: undefined, live: false, updates: 0, errors: 0, lastError: undefined, lastUpdateMs: 0 };
    this.bookStreams.set(symbol, s);
    this.loop(
      () => false,
      async () => {
        const book = await pro.watchOrderBook(symbol);
        if (!s.live) {
          // ccxt.pro (re)subscribed and took a REST snapshot outside our budget: account for it.
          this.budget.tryTake('query', this.tuning.snapshotWeight);
        }
        s.book = book;
        s.live = true;
        s.updates++;
        s.lastUpdateMs = Date.now();
      },
      (err) => {
        s.live = false;
        s.errors++;
        s.lastError = `${(err as Error)?.constructor?.name ?? 'Error'}: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
      },
    );
    return s;
  }

  /** Runs `step` until `stopped()` or close(); after a failure, `onError` and a backoff. */
  private loop(stopped: () => boolean, step: () => Promise<void>, onError: (err: unknown) => void): void {
    const run = async (): Promise<void> => {
      let backoff = this.tuning.retryMinMs;
      while (!this.closing && !stopped()) {
        try {
          await step();
          backoff = this.tuning.retryMinMs;
        } catch (err) {
          if (this.closing) break;
          onError(err);
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.tuning.retryMaxMs);
        }
      }
    };
    const p = run();
    this.loops.add(p);
    void p.finally(() => this.loops.delete(p));
  }

  /** A wait that close() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async restBook(symbol: string, depth: number): Promise<VenueBook> {
    const b = await this.call('query', this.weights.book, `order book ${symbol}`, () => this.client.fetchOrderBook(symbol, depth));
    const level = (l: unknown): [number, number] => {
      const [p, q] = l as [number, number];
      return [Number(p), Number(q)];
    };
    return { bids: b.bids.map(level), asks: b.asks.map(level), timeMs: b.timestamp ?? Date.now() };
  }

  private order(o: Order, fallback?: Partial<VenueOrder>): VenueOrder {
    return {
      clientId: o.clientOrderId ?? fallback?.clientId ?? '',
      venueId: String(o.id),
      symbol: o.symbol ?? fallback?.symbol ?? '',
      side: (o.side as 'buy' | 'sell') ?? fallback?.side ?? 'buy',
      price: Number(o.price ?? fallback?.price ?? 0),
      qty: Number(o.amount ?? fallback?.qty ?? 0),
      filled: Number(o.filled ?? 0),
      status: statusOf(o),
      timeMs: o.lastUpdateTimestamp ?? o.timestamp ?? Date.now(),
    };
  }

  async placeOrder(r: VenueOrderRequest): Promise<VenueOrder> {
    const o = await this.call('order', this.weights.order, `place ${r.clientId}`, () =>
      this.client.createOrder(r.symbol, 'limit', r.side, r.qty, r.price, { clientOrderId: r.clientId, ...(r.postOnly ? { postOnly: true } : { timeInForce: 'GTC' }) }),
    );
    return this.order(o, r);
  }

  async cancelOrder(symbol: string, clientId: string): Promise<VenueOrder | null> {
    try {
      const o = await this.call('cancel', this.weights.cancel, `cancel ${clientId}`, () => this.client.cancelOrder('', symbol, { origClientOrderId: clientId }));
      return this.order(o, { clientId, symbol });
    } catch (err) {
      if (err instanceof VenueError && err.kind === 'unknown_order') return null;
      throw err;
    }
  }

  async fetchOrder(symbol: string, clientId: string): Promise<VenueOrder | null> {
    try {
      const o = await this.call('query', this.weights.fetchOrder, `query ${clientId}`, () => this.client.fetchOrder('', symbol, { origClientOrderId: clientId }));
      return this.order(o, { clientId, symbol });
    } catch (err) {
      if (err instanceof VenueError && err.kind === 'unknown_order') return null;
      throw err;
    }
  }

  async fetchOpenOrders(symbol?: string): Promise<VenueOrder[]> {
    const list = await this.call('query', this.weights.openOrders, `open orders ${symbol ?? ''}`, () => this.client.fetchOpenOrders(symbol));
    return list.map((o) => this.order(o));
  }

  async fetchBalances(): Promise<Record<string, VenueBalance>> {
    const b = await this.call('query', this.weights.balance, 'balances', () => this.client.fetchBalance());
    const out: Record<string, VenueBalance> = {};
    const totals = (b.total ?? {}) as unknown as Record<string, number | undefined>;
    const free = (b.free ?? {}) as unknown as Record<string, number | undefined>;
    const used = (b.used ?? {}) as unknown as Record<string, number | undefined>;
    for (const asset of Object.keys(totals)) out[asset] = { free: Number(free[asset] ?? 0), used: Number(used[asset] ?? 0), total: Number(totals[asset] ?? 0) };
    return out;
  }

  async fetchFills(symbol: string, sinceMs?: number): Promise<VenueFill[]> {
    const trades = await this.call('query', this.weights.myTrades, `fills ${symbol}`, () => this.client.fetchMyTrades(symbol, sinceMs));
    return trades
      .map((t: Trade) => {
        const info = (t.info ?? {}) as Record<string, unknown>;
        return {
          tradeId: String(t.id),
          venueOrderId: String(t.order ?? ''),
          clientId: typeof info.clientOrderId === 'string' ? info.clientOrderId : undefined,
          symbol: t.symbol ?? symbol,
          side: t.side as 'buy' | 'sell',
          price: Number(t.price),
          qty: Number(t.amount),
          fee: Number(t.fee?.cost ?? 0),
          feeAsset: t.fee?.currency ?? '',
          liquidity: t.takerOrMaker === 'taker' ? ('taker' as const) : ('maker' as const),
          timeMs: t.timestamp ?? 0,
        };
      })
      .sort((a, b) => a.timeMs - b.timeMs || a.tradeId.localeCompare(b.tradeId));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.bookStreams.values()) s.live = false;
    // Closing the ccxt.pro client closes its sockets and rejects the pending watch calls.
    if (this.pro) await this.pro.close().catch(() => undefined);
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled([...this.loops]);
    await this.client.close?.();
  }
}
