// A simulated market for demos and paper trading when no recorded data is at hand: for each market a
// mid that follows a random walk with occasional jumps, an L2 book of a few levels a side around it
// whose sizes keep changing, and public trades against both sides — written as the same columnar
// EventBatch the data loaders produce, so everything downstream (books, engine, fill simulation)
// cannot tell it from a recording. Seeded and deterministic: the same options give the same rows.
//
// Each market is a Poisson stream of venue messages (35 a second by default). A message moves the
// mid (log-normal diffusion, plus a jump of 10–40 bps at a rate of one every two minutes), shifts
// the book to the new mid — removals first, so the book is never crossed even between the rows of
// a message — and then either resizes one to three levels or prints a trade at the touch that takes
// from the level it hits (one trade in twenty sweeps up to half a side). Levels sit on a grid of
// `stepTicks` (half a basis point of the start price by default) so the book keeps its shape as the
// mid wanders; prices are integer ticks and sizes whole lots.
import { BatchBuilder } from '../data/batch-builder.js';
import { EventFlag, EventKind, Side, type EventBatch, type EventKindValue, type SideValue } from '../events.js';
import { Xoshiro128StarStar } from './rng.js';

export interface SimulatedMarketSpec {
  /** ccxt-style venue and unified symbol, as a plan names them. */
  venue: string;
  symbol: string;
  tickSize: number;
  lotSize: number;
  startPrice: number;
  /** Volatility of the mid in bps per √second (default 1, about 56 % a year). */
  volBps?: number;
  /** Venue messages per second of event time (default 35). */
  messagesPerSec?: number;
  /** Price distance between book levels, in ticks (default: half a basis point of the start price, at least 1). */
  stepTicks?: number;
  /** Mean size of a level near the touch, in base units (default: 20,000 of the quote currency). */
  levelQty?: number;
}

export interface SimulatedMarketOptions {
  markets: readonly SimulatedMarketSpec[];
  seed: number;
  /** 00:00 UTC of the simulated day (default 2024-01-01). */
  dayEpochMs?: number;
  /** Event time of the opening snapshots, ns after dayEpochMs (default 0). */
  startNs?: number;
  /** Book levels per side (default 10). */
  levels?: number;
}

export const SIM_DEFAULT_DAY_EPOCH_MS = Date.UTC(2024, 0, 1);

const JUMPS_PER_SEC = 1 / 120;
const TRADE_SHARE = 0.4;
/** Share of trades that sweep several levels. */
const SWEEP_SHARE = 0.05;

interface MarketState {
  tick: number;
  lot: number;
  lotDecimals: number;
  step: number;
  meanQty: number;
  /** Diffusion per √second, as a fraction. */
  vol: number;
  meanGapNs: number;
  logMid: number;
  bids: Map<number, number>;
  asks: Map<number, number>;
  nextNs: number;
  lastNs: number;
}

/** A generator that continues where it stopped: successive `next` calls give successive stretches of one market. */
export class SimulatedMarket {
  private readonly rng: Xoshiro128StarStar;
  private readonly states: MarketState[];
  private readonly levels: number;
  private readonly dayEpochMs: number;
  private clockNs: number;
  private started = false;
  private tradeId = 1;
  // Scratch of one message, reused.
  private readonly target: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];

  constructor(private readonly options: SimulatedMarketOptions) {
    if (options.markets.length === 0) throw new RangeError('a simulated market needs at least one market');
    if (options.markets.length > 255) throw new RangeError('at most 255 markets fit in one batch');
    this.rng = new Xoshiro128StarStar(options.seed);
    this.levels = Math.max(1, Math.floor(options.levels ?? 10));
    this.dayEpochMs = options.dayEpochMs ?? SIM_DEFAULT_DAY_EPOCH_MS;
    this.clockNs = options.startNs ?? 0;
    this.states = options.markets.map((m) => {
      if (!(m.tickSize > 0) || !(m.lotSize > 0) || !(m.startPrice > 0)) {
        throw new RangeError(`${m.venue}:${m.symbol}: tick size, lot size and start price must be > 0`);
      }
      const step = Math.max(1, Math.round(m.stepTicks ?? (m.startPrice * 0.5e-4) / m.tickSize));
      const meanQty = Math.max(m.lotSize, m.levelQty ?? 20_000 / m.startPrice);
      return {
        tick: m.tickSize,
        lot: m.lotSize,
        lotDecimals: Math.min(12, Math.max(0, Math.ceil(-Math.log10(m.lotSize) - 1e-9))),
        step,
        meanQty,
        vol: (m.volBps ?? 1) * 1e-4,
        meanGapNs: 1e9 / (m.messagesPerSec ?? 35),
        logMid: Math.log(m.startPrice),
        bids: new Map(),
        asks: new Map(),
        nextNs: this.clockNs,
        lastNs: this.clockNs,
      };
    });
  }

  /** Event time up to which rows have been generated. */
  get now(): number {
    return this.clockNs;
  }

  /** The rows of the next `durationNs` of event time; the first call opens with a snapshot of every book. */
  next(durationNs: number): EventBatch {
    const endNs = this.clockNs + durationNs;
    const out = new BatchBuilder(Math.max(1024, Math.ceil((durationNs / 1e9) * this.states.length * 35 * 4)));
    if (!this.started) {
      this.started = true;
      this.states.forEach((s, m) => {
        this.snapshot(out, m, s, this.clockNs);
        s.nextNs = this.clockNs + this.gap(s);
      });
    }
    for (;;) {
      let m = -1;
      let t = Infinity;
      this.states.forEach((s, i) => {
        if (s.nextNs < t) {
          t = s.nextNs;
          m = i;
        }
      });
      const s = this.states[m];
      if (!s || t >= endNs) break;
      this.message(out, m, s, t);
      s.nextNs = t + this.gap(s);
    }
    this.clockNs = endNs;
    return out.finish({
      dayEpochMs: this.dayEpochMs,
      markets: this.options.markets.map((m) => ({ venue: m.venue, symbol: m.symbol, tickSize: m.tickSize, source: `simulated (seed ${this.options.seed})` })),
    });
  }

  // ---------------------------------------------------------------- one message

  private snapshot(out: BatchBuilder, m: number, s: MarketState, t: number): void {
    this.targetBook(s);
    addRow(out, EventKind.BookClear, m, 0, 0, 0, t);
    for (const side of [Side.Bid, Side.Ask] as const) {
      const book = side === Side.Bid ? s.bids : s.asks;
      for (const [p, q] of this.target[side]) {
        book.set(p, q);
        addRow(out, EventKind.BookLevel, m, side, p, q, t);
      }
    }
    endMessage(out);
    s.lastNs = t;
  }

  private message(out: BatchBuilder, m: number, s: MarketState, t: number): void {
    const dt = (t - s.lastNs) / 1e9;
    s.lastNs = t;
    s.logMid += s.vol * Math.sqrt(dt) * this.gauss();
    if (this.rng.next() < 1 - Math.exp(-JUMPS_PER_SEC * dt)) {
      const size = (10 + 30 * this.rng.next()) * 1e-4;
      s.logMid += this.rng.next() < 0.5 ? -size : size;
    }
    this.targetBook(s);
    // Removals first: what is left is part of the new, uncrossed book, so no row crosses it.
    for (const side of [Side.Bid, Side.Ask] as const) {
      const book = side === Side.Bid ? s.bids : s.asks;
      const want = this.target[side];
      for (const p of [...book.keys()]) {
        if (!want.has(p)) {
          book.delete(p);
          addRow(out, EventKind.BookLevel, m, side, p, 0, t);
        }
      }
    }
    for (const side of [Side.Bid, Side.Ask] as const) {
      const book = side === Side.Bid ? s.bids : s.asks;
      for (const [p, q] of this.target[side]) {
        if (book.has(p)) continue;
        book.set(p, q);
        addRow(out, EventKind.BookLevel, m, side, p, q, t);
      }
    }
    if (this.rng.next() < TRADE_SHARE) this.trade(out, m, s, t);
    else this.resize(out, m, s, t);
    endMessage(out);
  }

  /** One to three levels change size (orders added or cancelled there). */
  private resize(out: BatchBuilder, m: number, s: MarketState, t: number): void {
    const n = 1 + Math.floor(this.rng.next() * 3);
    for (let k = 0; k < n; k++) {
      const side: SideValue = this.rng.next() < 0.5 ? Side.Bid : Side.Ask;
      const book = side === Side.Bid ? s.bids : s.asks;
      const level = Math.floor(this.rng.next() * this.levels);
      const best = side === Side.Bid ? this.bestBid(s) : this.bestBid(s) + s.step;
      const p = side === Side.Bid ? best - level * s.step : best + level * s.step;
      const q = book.get(p);
      if (q === undefined) continue;
      const next = this.lots(s, q * Math.exp(0.4 * this.gauss()));
      if (next === q) continue;
      book.set(p, next);
      addRow(out, EventKind.BookLevel, m, side, p, next, t);
    }
  }

  /**
   * A public trade at the touch, buyer- or seller-initiated, taking from the level it hits; now and
   * then an aggressive order sweeps several levels (one trade per level, all but the last emptied).
   */
  private trade(out: BatchBuilder, m: number, s: MarketState, t: number): void {
    const aggressor: SideValue = this.rng.next() < 0.5 ? Side.Bid : Side.Ask;
    const restingSide: SideValue = aggressor === Side.Bid ? Side.Ask : Side.Bid;
    const book = restingSide === Side.Bid ? s.bids : s.asks;
    // A sweep takes at most half the side: the book thins out but never empties.
    const sweep = this.rng.next() < SWEEP_SHARE ? Math.max(1, Math.min(Math.floor(this.levels / 2), 2 + Math.floor(this.rng.next() * 4))) : 1;
    const prices = [...book.keys()].sort((a, b) => (restingSide === Side.Bid ? b - a : a - b));
    const n = Math.min(sweep, prices.length);
    for (let k = 0; k < n; k++) {
      const p = prices[k] ?? NaN;
      const resting = book.get(p);
      if (resting === undefined) continue;
      const qty = k < n - 1 ? resting : Math.min(resting, this.lots(s, 0.2 * s.meanQty * Math.exp(this.gauss())));
      const row = addRow(out, EventKind.Trade, m, aggressor, p, qty, t);
      out.columns.orderId[row] = this.tradeId++;
      const left = this.lots(s, resting - qty, 0);
      if (left > 0) book.set(p, left);
      else book.delete(p);
      addRow(out, EventKind.BookLevel, m, restingSide, p, left, t);
    }
  }

  // ---------------------------------------------------------------- helpers

  private bestBid(s: MarketState): number {
    const midTicks = Math.exp(s.logMid) / s.tick;
    return Math.max(s.step, Math.floor(midTicks / s.step) * s.step);
  }

  /** The book the mid calls for: grid prices, sizes kept where a level already stands. */
  private targetBook(s: MarketState): void {
    const bid = this.bestBid(s);
    const ask = bid + s.step;
    for (const side of [Side.Bid, Side.Ask] as const) {
      const want = this.target[side];
      want.clear();
      const book = side === Side.Bid ? s.bids : s.asks;
      for (let k = 0; k < this.levels; k++) {
        const p = side === Side.Bid ? bid - k * s.step : ask + k * s.step;
        if (p <= 0) break;
        // Deeper levels hold more, as real books do.
        want.set(p, book.get(p) ?? this.lots(s, s.meanQty * (1 + 0.15 * k) * Math.exp(0.5 * this.gauss())));
      }
    }
  }

  /** A quantity rounded to whole lots, at least `min` lots. */
  private lots(s: MarketState, q: number, min = 1): number {
    const n = Math.max(min, Math.round(q / s.lot));
    return Number((n * s.lot).toFixed(s.lotDecimals));
  }

  private gap(s: MarketState): number {
    // Exponential gaps, whole microseconds, never zero.
    const u = 1 - this.rng.next();
    return Math.max(1, Math.round((-Math.log(u) * s.meanGapNs) / 1e3)) * 1e3;
  }

  /** A standard normal draw (Box–Muller). */
  private gauss(): number {
    const u = 1 - this.rng.next();
    const v = this.rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** `durationSec` of a simulated market from its opening snapshot on. */
export function simulateMarket(options: SimulatedMarketOptions & { durationSec: number }): EventBatch {
  return new SimulatedMarket(options).next(options.durationSec * 1e9);
}

function addRow(out: BatchBuilder, kind: EventKindValue, market: number, side: SideValue, priceTicks: number, qty: number, t: number): number {
  const i = out.row(kind, t, t, out.length + 1);
  const c = out.columns;
  c.market[i] = market;
  c.side[i] = side;
  c.priceTicks[i] = priceTicks;
  c.qty[i] = qty;
  return i;
}

function endMessage(out: BatchBuilder): void {
  const c = out.columns;
  const i = out.length - 1;
  c.flags[i] = (c.flags[i] ?? 0) | EventFlag.EndOfMessage;
}
