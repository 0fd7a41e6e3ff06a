// Return attribution (R9): a backtest's PnL split into spread capture, inventory, fees and hedging.
//
// Per market, with s = +1 for our buys and −1 for sells, q the filled quantity, `mid` the exchange
// mid recorded with the fill and `mark` the market's final mid:
//   spread capture = Σ_quoting s·q·(mid − price)      edge against the mid at the moment of the fill
//   inventory      = Σ_quoting s·q·(mark − mid)       the position each quoting fill opened, carried to the mark
//   hedging        = Σ_hedge   s·q·(mark − price)     hedge fills' own crossing cost plus their carry
//   fees           = −Σ_all fee                       (rebates count positive)
//   total          = cash + position × mark − fees    the engine's PnL (MarketAccount.pnl)
// spread + inventory + hedging = Σ s·q·(mark − price) = cash + position × mark, so the four parts
// add up to the total. To make the identity hold by construction rather than up to the rounding of
// two independent sums, `total` is computed exactly as the engine computes it (by replaying the
// fills through MarketAccount) and `inventory` is the residual total − spread − hedging − fees.
// The parts therefore sum to `total` up to the rounding of that one subtraction. Every sum is
// compensated (Neumaier), so the residual also equals the direct Σ s·q·(mark − mid) to ~1e-12
// relative. docs/metrics.md states the details and edge cases.
import { MarketAccount } from '../account.js';
import { CompensatedSum, sideSign } from './metrics-series.js';
import type { FillRecord, MarkSample } from './records.js';

/** The four parts and their total, in the quote currency. */
export interface PnlParts {
  /** Σ over quoting fills of s·q·(mid at fill − price): what the quotes earned against the mid. */
  spreadCapture: number;
  /** Quoting fills' positions marked from the mid at the fill to the mark: Σ s·q·(mark − mid). */
  inventory: number;
  /** −Σ fee over every fill, hedges included: rebates are positive. */
  fees: number;
  /** Trading PnL of hedge fills: Σ s·q·(mark − price), their crossing cost plus their carry. */
  hedging: number;
  /** cash + position × mark − fees, summed over markets: the number the engine reports. */
  total: number;
}

export interface MarketAttribution extends PnlParts {
  market: number;
  alias: string;
  /** Position at the end (Σ s·q). */
  position: number;
  /** The price the position is marked at: the final mid, or the average entry price when there is no mid (as the engine does). */
  mark: number;
  markSource: 'mid' | 'avgPrice';
  /** Hedge fills against the mid at their fill: Σ_hedge s·q·(mid − price), usually negative (taker). */
  hedgeSpread: number;
  /** Hedge positions carried to the mark: hedging − hedgeSpread. */
  hedgeCarry: number;
  /** The fee part split by who paid it (both negative for a cost). */
  feesQuoting: number;
  feesHedging: number;
  quotingFills: number;
  hedgeFills: number;
}

export interface PnlAttribution extends PnlParts {
  markets: MarketAttribution[];
}

/** Cumulative attribution at one MarkSample, for charts. */
export interface AttributionPoint extends PnlParts {
  tNs: number;
  /** MarkSample.pnl as the engine reported it, to compare with `total`. */
  reportedPnl: number;
}

/** Which clock decides whether a fill has happened by a sample time. */
export type FillClock = 'exchange' | 'local';

/**
 * Attributes the PnL of `fills`, marked at `finalMids` (the last MarkSample's mids, by plan market).
 * Fills are applied in the order given, as the engine applied them.
 */
export function attributePnl(input: { fills: readonly FillRecord[]; finalMids: readonly number[]; aliases?: readonly string[] }): PnlAttribution {
  let count = input.finalMids.length;
  for (const f of input.fills) count = Math.max(count, f.market + 1);
  const accounts = Array.from({ length: count }, () => new AttributionAccount());
  const aliases = Array.from({ length: count }, (_, m) => input.aliases?.[m] ?? `m${m}`);
  for (const f of input.fills) {
    accounts[f.market]?.add(f);
    if (!input.aliases) aliases[f.market] = f.marketAlias;
  }
  const markets = accounts.map((a, m) => a.attribute(input.finalMids[m] ?? NaN, m, aliases[m] ?? `m${m}`));
  return { ...combine(markets), markets };
}

/**
 * The cumulative attribution at every sample: fills up to and including the sample's time (on the
 * exchange clock by default, FillRecord.tNs; 'local' uses localNs, when the strategy learned of
 * them) marked at the sample's mids. The last point equals attributePnl at the last sample's mids
 * when every fill is at or before it.
 */
export function attributionOverTime(input: { fills: readonly FillRecord[]; marks: readonly MarkSample[]; clock?: FillClock }): AttributionPoint[] {
  const timeOf = input.clock === 'local' ? (f: FillRecord) => f.localNs : (f: FillRecord) => f.tNs;
  const fills = sortedByTime(input.fills, timeOf);
  let count = 0;
  for (const s of input.marks) count = Math.max(count, s.mids.length);
  for (const f of fills) count = Math.max(count, f.market + 1);
  const accounts = Array.from({ length: count }, () => new AttributionAccount());
  const out: AttributionPoint[] = [];
  let next = 0;
  for (const s of input.marks) {
    while (next < fills.length) {
      const f = fills[next];
      if (!f || timeOf(f) > s.tNs) break;
      accounts[f.market]?.add(f);
      next++;
    }
    const parts = combine(accounts.map((a, m) => a.attribute(s.mids[m] ?? NaN, m, '')));
    out.push({ tNs: s.tNs, ...parts, reportedPnl: s.pnl });
  }
  return out;
}

/** One market's fills, summed as the attribution needs them. */
class AttributionAccount {
  private readonly account = new MarketAccount();
  private readonly quoteSpread = new CompensatedSum();
  private readonly hedgeSpread = new CompensatedSum();
  /** Σ_hedge s·q and Σ_hedge s·q·price. */
  private readonly hedgeQty = new CompensatedSum();
  private readonly hedgeCost = new CompensatedSum();
  private readonly feesQuoting = new CompensatedSum();
  private readonly feesHedging = new CompensatedSum();
  private quotingFills = 0;
  private hedgeFills = 0;

  add(f: FillRecord): void {
    const sq = sideSign(f.side) * f.qty;
    // The same call the engine makes, so cash, fees and position round exactly as its PnL does.
    this.account.fill(sq, f.price, f.fee);
    // Without a mid at the fill there is no edge to measure: all of the fill's PnL is carry.
    const mid = Number.isFinite(f.mid) ? f.mid : f.price;
    if (f.hedge) {
      this.hedgeSpread.add(sq * (mid - f.price));
      this.hedgeQty.add(sq);
      this.hedgeCost.add(sq * f.price);
      this.feesHedging.add(-f.fee);
      this.hedgeFills++;
    } else {
      this.quoteSpread.add(sq * (mid - f.price));
      this.feesQuoting.add(-f.fee);
      this.quotingFills++;
    }
  }

  attribute(finalMid: number, market: number, alias: string): MarketAttribution {
    const a = this.account;
    const markSource = Number.isFinite(finalMid) ? 'mid' : 'avgPrice';
    const mark = markSource === 'mid' ? finalMid : a.avgPrice;
    const total = a.pnl(mark);
    const fees = -a.fees;
    const spreadCapture = this.quoteSpread.value;
    // With no hedge fills these are exactly 0, whatever the mark.
    const hedging = this.hedgeFills === 0 ? 0 : this.hedgeQty.value * mark - this.hedgeCost.value;
    const hedgeSpread = this.hedgeSpread.value;
    return {
      market,
      alias,
      spreadCapture,
      inventory: total - spreadCapture - hedging - fees,
      fees,
      hedging,
      total,
      position: a.position,
      mark,
      markSource,
      hedgeSpread,
      hedgeCarry: hedging - hedgeSpread,
      feesQuoting: this.feesQuoting.value,
      feesHedging: this.feesHedging.value,
      quotingFills: this.quotingFills,
      hedgeFills: this.hedgeFills,
    };
  }
}

/** Sums markets: `total` in the engine's order (plain addition, market 0 first), inventory as the residual. */
function combine(markets: readonly PnlParts[]): PnlParts {
  let total = 0;
  const spread = new CompensatedSum();
  const fees = new CompensatedSum();
  const hedging = new CompensatedSum();
  for (const p of markets) {
    total += p.total;
    spread.add(p.spreadCapture);
    fees.add(p.fees);
    hedging.add(p.hedging);
  }
  const spreadCapture = spread.value;
  const feesValue = fees.value;
  const hedgingValue = hedging.value;
  return { spreadCapture, inventory: total - spreadCapture - hedgingValue - feesValue, fees: feesValue, hedging: hedgingValue, total };
}

/** The fills in time order; the input itself when it already is (the usual case), a stable sort otherwise. */
function sortedByTime(fills: readonly FillRecord[], timeOf: (f: FillRecord) => number): readonly FillRecord[] {
  for (let i = 1; i < fills.length; i++) {
    const a = fills[i - 1];
    const b = fills[i];
    if (a && b && timeOf(b) < timeOf(a)) return [...fills].sort((x, y) => timeOf(x) - timeOf(y));
  }
  return fills;
}
