// Credit exposure per venue (R8): what we would stand to lose if a venue failed — the value of the
// balances we keep there plus what our open orders lock — against a limit per venue.

export interface VenueBalance {
  venue: string;
  asset: string;
  /** Free (unlocked) quantity; negative for a borrowed balance. Locked amounts come from the open orders. */
  qty: number;
}

export interface VenueOpenOrder {
  venue: string;
  base: string;
  quote: string;
  side: 'buy' | 'sell';
  price: number;
  /** Remaining (unfilled) quantity in base units. */
  qty: number;
}

export interface VenueLimit {
  /** Exposure limit in the valuation currency. */
  limit: number;
  /** Alert at or above this fraction of the limit (default 0.8). */
  alertFraction?: number;
}

export type CreditState = 'ok' | 'alert' | 'reduce_only';

export interface VenueExposure {
  venue: string;
  /** Σ over assets of max(0, qty × mark): free balances held (borrowings are not netted against them). */
  balanceValue: number;
  /** Value of borrowed (negative) balances, ≤ 0, reported apart. */
  borrowedValue: number;
  /** Bids lock quote (price × qty × mark of quote); asks lock base (qty × mark of base). */
  openOrderValue: number;
  exposure: number;
  limit: number;
  /** exposure / limit. */
  utilisation: number;
  state: CreditState;
}

export interface CreditInput {
  balances: readonly VenueBalance[];
  openOrders: readonly VenueOpenOrder[];
  /** Price of one unit of each asset in the valuation currency (the valuation currency itself: 1). */
  marks: Readonly<Record<string, number>>;
  limits: Readonly<Record<string, VenueLimit>>;
}

/**
 * Exposure per venue, sorted by venue name; every venue with a balance, an order or a limit
 * appears. States: reduce_only when exposure ≥ limit, alert when ≥ alertFraction × limit, else ok.
 * A venue with no limit is reduce_only as soon as it has any exposure (an unknown venue must not be
 * trusted with money). An asset without a mark is an error naming it: a credit figure that silently
 * leaves an asset out would understate the risk.
 */
export function venueExposures(input: CreditInput): VenueExposure[] {
  const mark = (asset: string, where: string): number => {
    const m = input.marks[asset];
    if (m === undefined || !(m >= 0) || !Number.isFinite(m)) throw new RangeError(`credit: no valid mark for ${asset} (${where})`);
    return m;
  };
  const acc = new Map<string, { balance: number; borrowed: number; orders: number }>();
  const at = (venue: string): { balance: number; borrowed: number; orders: number } => {
    let a = acc.get(venue);
    if (!a) {
      a = { balance: 0, borrowed: 0, orders: 0 };
      acc.set(venue, a);
    }
    return a;
  };
  for (const b of input.balances) {
    if (!Number.isFinite(b.qty)) throw new RangeError(`credit: balance of ${b.asset} at ${b.venue} is not finite (${b.qty})`);
    const v = b.qty * mark(b.asset, `balance at ${b.venue}`);
    if (v >= 0) at(b.venue).balance += v;
    else at(b.venue).borrowed += v;
  }
  for (const o of input.openOrders) {
    if (!(o.qty >= 0) || !(o.price > 0)) throw new RangeError(`credit: open ${o.side} ${o.base}/${o.quote} at ${o.venue} needs qty ≥ 0 and price > 0 (got ${o.qty} @ ${o.price})`);
    const locked = o.side === 'buy' ? o.price * o.qty * mark(o.quote, `open bid at ${o.venue}`) : o.qty * mark(o.base, `open ask at ${o.venue}`);
    at(o.venue).orders += locked;
  }
  for (const venue of Object.keys(input.limits)) at(venue);
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([venue, a]) => {
      const lim = input.limits[venue];
      const exposure = a.balance + a.orders;
      const limit = lim?.limit ?? 0;
      const alertFraction = lim?.alertFraction ?? 0.8;
      if (lim && (!(lim.limit >= 0) || !(alertFraction > 0 && alertFraction <= 1))) throw new RangeError(`credit: limit for ${venue} needs limit ≥ 0 and alertFraction in (0, 1]`);
      const utilisation = limit > 0 ? exposure / limit : exposure > 0 ? Infinity : 0;
      const state: CreditState = exposure > 0 && exposure >= limit ? 'reduce_only' : limit > 0 && exposure >= alertFraction * limit ? 'alert' : 'ok';
      return { venue, balanceValue: a.balance, borrowedValue: a.borrowed, openOrderValue: a.orders, exposure, limit, utilisation, state };
    });
}
