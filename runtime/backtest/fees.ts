// Fee models: a rate on traded notional by liquidity role. Negative rates are rebates (paid to us).
export interface FeeModel {
  /** Fee in quote currency for a fill of `qty` at `price`; negative is a rebate. */
  fee(price: number, qty: number, liquidity: 'maker' | 'taker'): number;
  readonly description: string;
}

export class NotionalFees implements FeeModel {
  constructor(
    /** Fraction of notional, e.g. 0.0001 = 1 bp; negative = rebate. */
    readonly makerRate: number,
    readonly takerRate: number,
  ) {
    for (const [name, r] of [['maker', makerRate], ['taker', takerRate]] as const) {
      if (!Number.isFinite(r) || r <= -0.01 || r >= 1) throw new RangeError(`--fees: ${name} fee ${r * 1e4} bps is not plausible (between -100 bps and 100%)`);
    }
  }
  fee(price: number, qty: number, liquidity: 'maker' | 'taker'): number {
    return price * qty * (liquidity === 'maker' ? this.makerRate : this.takerRate);
  }
  get description(): string {
    return `maker ${round(this.makerRate * 1e4)} bps, taker ${round(this.takerRate * 1e4)} bps`;
  }
}

/** Published schedules (base tier), for `--fees binance-spot` and friends. */
export const feeSchedules: Record<string, [maker: number, taker: number]> = {
  'binance-spot': [0.001, 0.001],
  'binance-usdm': [0.0002, 0.0005],
  'bybit-perp': [0.0002, 0.00055],
  'nasdaq': [-0.0002, 0.0003],
  none: [0, 0],
};

/** `binance-usdm`, or `maker=-0.5bps,taker=2bps` (units: bps or %). */
export function parseFees(text: string): FeeModel {
  const spec = text.trim();
  // An empty spec is a script's unset variable more often than a wish for no fees: say so.
  if (spec === '') throw new RangeError(`--fees is empty: give maker=…bps,taker=…bps, a schedule (${Object.keys(feeSchedules).join(', ')}), or none`);
  const known = feeSchedules[spec];
  if (known) return new NotionalFees(known[0], known[1]);
  let maker = 0;
  let taker = 0;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(maker|taker)\s*=\s*(-?\d+(?:\.\d+)?)\s*(bps|%)$/.exec(part);
    if (!m) throw new RangeError(`--fees: '${part}' should be maker=…bps or taker=…bps (or one of ${Object.keys(feeSchedules).join(', ')})`);
    const rate = Number(m[2]) / (m[3] === '%' ? 100 : 10_000);
    if (m[1] === 'maker') maker = rate;
    else taker = rate;
  }
  return new NotionalFees(maker, taker);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
