// Every built-in of the language: its signature, its units, what it lowers to, and its
// documentation. The checker, the lowering, the editor's completion and hover, and the built-in
// reference in docs/dsl.md all read this one table.
import type { BookNode, StatefulNode } from '../schemas/generated/plan.js';
import { T, type Ty } from './units.js';

/** The market a member is read from, with the types its values carry. */
export interface MarketTypes {
  price: Ty;
  qty: Ty;
  notional: Ty;
}

/**
 * What an argument accepts. `same` means any numeric unit, and the result takes that unit;
 * `marketAlias` is a bare market alias (beta(m, h, 1h)).
 */
export type ArgAccepts = 'same' | 'numeric' | 'price' | 'qty' | 'distance' | 'duration' | 'count' | 'ratio' | 'marketAlias';

export interface ArgSpec {
  name: string;
  accepts: ArgAccepts;
  /** Must be known before the strategy runs: windows and half-lives size the runtime's state. */
  fixed?: boolean;
  /** Value used when the argument is left out (in canonical units). */
  default?: number;
  doc: string;
}

export type Lowering =
  | { to: 'book'; field: BookNode['field'] }
  | { to: 'stateful'; fn: StatefulNode['fn']; window?: 'windowSec' | 'halflifeSec' }
  | { to: 'op'; op: 'abs' | 'ln' | 'exp' | 'sqrt' | 'min' | 'max' | 'clamp' }
  | { to: 'account'; field: 'position' | 'inventory_value' | 'pnl' | 'daily_pnl' }
  | { to: 'clock'; field: 'time_of_day' }
  | { to: 'round_tick'; mode: 'nearest' | 'down' | 'up' };

export interface BuiltinSpec {
  name: string;
  /** member: m.name or m.name(args); function: name(args); value: a bare name such as position. */
  form: 'member' | 'function' | 'value';
  args: ArgSpec[];
  /** min/max take any number of arguments (at least two). */
  variadic?: boolean;
  result: (ctx: { market: MarketTypes | undefined; args: Ty[] }) => Ty;
  lower: Lowering;
  summary: string;
  /** Extra notes on semantics: update rules, warm-up, edge cases. */
  notes?: string;
}

const px = (c: { market: MarketTypes | undefined }): Ty => c.market?.price ?? T.price();
const qt = (c: { market: MarketTypes | undefined }): Ty => c.market?.qty ?? T.qty();
const nt = (c: { market: MarketTypes | undefined }): Ty => c.market?.notional ?? T.notional();
const sameAsFirst = (c: { args: Ty[] }): Ty => c.args[0] ?? T.error;
const priceArg = (c: { args: Ty[] }): Ty => (c.args[0]?.kind === 'price' ? c.args[0] : T.price());

const level: ArgSpec = { name: 'level', accepts: 'count', default: 1, doc: 'book level, 1 = best' };
const levels = (n: number): ArgSpec => ({ name: 'levels', accepts: 'count', fixed: true, default: n, doc: 'number of book levels used' });
const within: ArgSpec = { name: 'within', accepts: 'distance', doc: 'distance from the mid: bps or a price difference' };
const windowArg: ArgSpec = { name: 'window', accepts: 'duration', fixed: true, doc: 'length of the time window' };
const halflife: ArgSpec = { name: 'halflife', accepts: 'duration', fixed: true, doc: 'time for a past value\'s weight to halve' };

export const builtins: readonly BuiltinSpec[] = [
  // ---- market book reads: m.<field> ----
  { name: 'bid', form: 'member', args: [level], result: px, lower: { to: 'book', field: 'bid' }, summary: 'Best bid price, or the bid price at `level`.' },
  { name: 'ask', form: 'member', args: [level], result: px, lower: { to: 'book', field: 'ask' }, summary: 'Best ask price, or the ask price at `level`.' },
  { name: 'mid', form: 'member', args: [], result: px, lower: { to: 'book', field: 'mid' }, summary: 'Mid price: (best bid + best ask) / 2.' },
  {
    name: 'microprice', form: 'member', args: [], result: px, lower: { to: 'book', field: 'microprice' },
    summary: 'Size-weighted mid of the touch: (bid × ask_size + ask × bid_size) / (bid_size + ask_size).',
    notes: 'Leans toward the side more likely to trade next (Stoikov 2018).',
  },
  {
    name: 'wmid', form: 'member', args: [levels(5)], result: px, lower: { to: 'book', field: 'wmid' },
    summary: 'Weighted mid over the top `levels` levels: the microprice formula with sizes and size-weighted prices summed over the levels.',
  },
  { name: 'spread', form: 'member', args: [], result: px, lower: { to: 'book', field: 'spread' }, summary: 'Best ask − best bid, as a price difference.' },
  { name: 'bid_size', form: 'member', args: [level], result: qt, lower: { to: 'book', field: 'bid_size' }, summary: 'Size resting at the best bid, or at bid `level`.' },
  { name: 'ask_size', form: 'member', args: [level], result: qt, lower: { to: 'book', field: 'ask_size' }, summary: 'Size resting at the best ask, or at ask `level`.' },
  { name: 'depth', form: 'member', args: [within], result: qt, lower: { to: 'book', field: 'depth' }, summary: 'Total size on both sides within `within` of the mid.' },
  { name: 'bid_depth', form: 'member', args: [within], result: qt, lower: { to: 'book', field: 'bid_depth' }, summary: 'Bid size within `within` below the mid.' },
  { name: 'ask_depth', form: 'member', args: [within], result: qt, lower: { to: 'book', field: 'ask_depth' }, summary: 'Ask size within `within` above the mid.' },
  {
    name: 'imbalance', form: 'member', args: [levels(1)], result: () => T.ratio, lower: { to: 'book', field: 'imbalance' },
    summary: 'Order-book imbalance over the top `levels` levels: (bid size − ask size) / (bid size + ask size), in [−1, 1].',
  },
  { name: 'last', form: 'member', args: [], result: px, lower: { to: 'book', field: 'last' }, summary: 'Price of the last public trade (the mid until the first trade).' },
  { name: 'tick', form: 'member', args: [], result: px, lower: { to: 'book', field: 'tick' }, summary: 'The market\'s price increment.' },
  { name: 'lot', form: 'member', args: [], result: qt, lower: { to: 'book', field: 'lot' }, summary: 'The market\'s quantity increment.' },

  // ---- market statistics over trades and the book (stateful) ----
  {
    name: 'vwap', form: 'member', args: [windowArg], result: px, lower: { to: 'stateful', fn: 'vwap', window: 'windowSec' },
    summary: 'Volume-weighted average price of public trades in the last `window`.', notes: 'The mid until the first trade of the window.',
  },
  {
    name: 'volume', form: 'member', args: [windowArg], result: qt, lower: { to: 'stateful', fn: 'volume', window: 'windowSec' },
    summary: 'Quantity traded publicly in the last `window`.',
  },
  {
    name: 'trade_intensity', form: 'member', args: [windowArg], result: () => T.ratio, lower: { to: 'stateful', fn: 'trade_rate', window: 'windowSec' },
    summary: 'Trade arrival intensity: public trades per second over the last `window`.',
  },
  {
    name: 'realized_vol', form: 'member', args: [windowArg], result: () => T.ratio, lower: { to: 'stateful', fn: 'realized_vol', window: 'windowSec' },
    summary: 'Realised volatility of the mid: square root of the sum of squared log returns over the last `window` (not annualised).',
  },

  // ---- account ----
  { name: 'position', form: 'member', args: [], result: qt, lower: { to: 'account', field: 'position' }, summary: 'Our net position in this market, in its base asset (negative when short).' },
  { name: 'inventory_value', form: 'member', args: [], result: nt, lower: { to: 'account', field: 'inventory_value' }, summary: 'Position × mid, in the quote currency.' },
  { name: 'pnl', form: 'member', args: [], result: nt, lower: { to: 'account', field: 'pnl' }, summary: 'Realised + unrealised PnL in this market, after fees.' },
  { name: 'position', form: 'value', args: [], result: qt, lower: { to: 'account', field: 'position' }, summary: 'Net position; inside `quote m { … }` the position in m, elsewhere in the first declared market.' },
  { name: 'inventory_value', form: 'value', args: [], result: nt, lower: { to: 'account', field: 'inventory_value' }, summary: 'Value of the position at the mid; inside a quote block for that market, elsewhere for the first market.' },
  { name: 'pnl', form: 'value', args: [], result: nt, lower: { to: 'account', field: 'pnl' }, summary: 'Total PnL of the strategy across markets (realised + unrealised, after fees), in the first market\'s quote currency.' },
  { name: 'daily_pnl', form: 'value', args: [], result: nt, lower: { to: 'account', field: 'daily_pnl' }, summary: 'PnL since 00:00 UTC of the current day.' },
  { name: 'time_of_day', form: 'value', args: [], result: () => T.duration, lower: { to: 'clock', field: 'time_of_day' }, summary: 'Time since 00:00 UTC of the event time; compare with durations: time_of_day > 13h30m.' },

  // ---- signal processing (stateful) ----
  {
    name: 'returns', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'a positive series, usually a price' }], result: () => T.ratio,
    lower: { to: 'stateful', fn: 'returns' },
    summary: 'Log return of `x` since its previous value: ln(x / previous x), a new value each time `x` changes. Not available (no quotes depend on it) until `x` has changed once.',
  },
  {
    name: 'ewm_mean', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, halflife], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'ewm_mean', window: 'halflifeSec' },
    summary: 'Exponentially weighted moving mean of `x`, weighted by time: a value\'s weight halves every `halflife`.',
  },
  {
    name: 'ewm_stdev', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, halflife], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'ewm_stdev', window: 'halflifeSec' },
    summary: 'Exponentially weighted moving standard deviation of `x` (same weights as ewm_mean).',
  },
  {
    name: 'rolling_mean', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, windowArg], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'rolling_mean', window: 'windowSec' }, summary: 'Mean of the values of `x` seen in the last `window`.',
  },
  {
    name: 'rolling_stdev', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, windowArg], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'rolling_stdev', window: 'windowSec' }, summary: 'Sample standard deviation of the values of `x` seen in the last `window`.',
  },
  {
    name: 'rolling_min', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, windowArg], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'rolling_min', window: 'windowSec' }, summary: 'Smallest value of `x` in the last `window`.',
  },
  {
    name: 'rolling_max', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, windowArg], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'rolling_max', window: 'windowSec' }, summary: 'Largest value of `x` in the last `window`.',
  },
  {
    name: 'baseline', form: 'function', args: [{ name: 'x', accepts: 'same', doc: 'the series' }, windowArg], result: sameAsFirst,
    lower: { to: 'stateful', fn: 'baseline', window: 'windowSec' },
    summary: 'Slow reference level of `x` to compare it with: its exponentially weighted mean with a half-life of `window`.',
    notes: 'vol > 3 * baseline(vol, 1h) reads "volatility is three times its usual level".',
  },
  {
    name: 'beta', form: 'function',
    args: [{ name: 'a', accepts: 'marketAlias', doc: 'the market to explain' }, { name: 'b', accepts: 'marketAlias', doc: 'the market to hedge with' }, windowArg],
    result: () => T.ratio, lower: { to: 'stateful', fn: 'beta', window: 'windowSec' },
    summary: 'Rolling OLS beta of a\'s mid log returns on b\'s over `window`: cov(ra, rb) / var(rb). 1 until there is enough data.',
  },

  // ---- maths ----
  { name: 'abs', form: 'function', args: [{ name: 'x', accepts: 'same', doc: '' }], result: sameAsFirst, lower: { to: 'op', op: 'abs' }, summary: 'Absolute value; keeps the unit.' },
  { name: 'min', form: 'function', args: [{ name: 'a', accepts: 'same', doc: '' }, { name: 'b', accepts: 'same', doc: '' }], variadic: true, result: sameAsFirst, lower: { to: 'op', op: 'min' }, summary: 'Smallest of two or more values of the same unit.' },
  { name: 'max', form: 'function', args: [{ name: 'a', accepts: 'same', doc: '' }, { name: 'b', accepts: 'same', doc: '' }], variadic: true, result: sameAsFirst, lower: { to: 'op', op: 'max' }, summary: 'Largest of two or more values of the same unit.' },
  {
    name: 'clamp', form: 'function',
    args: [{ name: 'x', accepts: 'same', doc: '' }, { name: 'lo', accepts: 'same', doc: '' }, { name: 'hi', accepts: 'same', doc: '' }],
    result: sameAsFirst, lower: { to: 'op', op: 'clamp' }, summary: '`x` limited to [lo, hi]; all three in the same unit.',
  },
  { name: 'ln', form: 'function', args: [{ name: 'x', accepts: 'numeric', doc: 'a positive value' }], result: () => T.ratio, lower: { to: 'op', op: 'ln' }, summary: 'Natural logarithm; the result is a plain number (ln of a price is a log-price).' },
  { name: 'exp', form: 'function', args: [{ name: 'x', accepts: 'ratio', doc: '' }], result: () => T.ratio, lower: { to: 'op', op: 'exp' }, summary: 'e to the power x, for a plain number x.' },
  { name: 'sqrt', form: 'function', args: [{ name: 'x', accepts: 'ratio', doc: 'a plain number, bps, or a duration (in seconds)' }], result: () => T.ratio, lower: { to: 'op', op: 'sqrt' }, summary: 'Square root of a plain number, bps, or a duration counted in seconds (vol * sqrt(30s)).' },
  {
    name: 'round_tick', form: 'function', args: [{ name: 'x', accepts: 'price', doc: '' }, { name: 'market', accepts: 'marketAlias', doc: '' }],
    result: priceArg, lower: { to: 'round_tick', mode: 'nearest' }, summary: 'Price rounded to the nearest tick of `market`. Order prices are rounded by the runtime anyway (bids down, asks up).',
  },
  {
    name: 'floor_tick', form: 'function', args: [{ name: 'x', accepts: 'price', doc: '' }, { name: 'market', accepts: 'marketAlias', doc: '' }],
    result: priceArg, lower: { to: 'round_tick', mode: 'down' }, summary: 'Price rounded down to a tick of `market`.',
  },
  {
    name: 'ceil_tick', form: 'function', args: [{ name: 'x', accepts: 'price', doc: '' }, { name: 'market', accepts: 'marketAlias', doc: '' }],
    result: priceArg, lower: { to: 'round_tick', mode: 'up' }, summary: 'Price rounded up to a tick of `market`.',
  },
];

const byForm = (form: BuiltinSpec['form']): Map<string, BuiltinSpec> => new Map(builtins.filter((b) => b.form === form).map((b) => [b.name, b]));

export const marketMembers = byForm('member');
export const functions = byForm('function');
export const values = byForm('value');

/** Names that params, signals and bindings may not take (market fields are always written m.field, so they stay free). */
export const reservedNames: ReadonlySet<string> = new Set([...functions.keys(), ...values.keys(), 'fair', 'moved']);

const acceptsText: Record<ArgAccepts, string> = {
  same: 'T',
  numeric: 'number',
  price: 'price',
  qty: 'qty',
  distance: 'bps | price',
  duration: 'duration',
  count: 'count',
  ratio: 'number',
  marketAlias: 'market',
};

/** A one-line signature for docs, hovers and completion, e.g. `ewm_stdev(x: T, halflife: duration) → T`. */
export function signature(b: BuiltinSpec): string {
  const sample = b.result({ market: { price: T.price(), qty: T.qty(), notional: T.notional() }, args: [{ kind: 'error' }] });
  const ret = sample.kind === 'error' ? 'T' : sample.kind;
  const args = b.args.map((a) => `${a.name}: ${acceptsText[a.accepts]}${a.default !== undefined ? ` = ${a.default}` : ''}`);
  const argList = b.variadic ? `${args.join(', ')}, …` : args.join(', ');
  switch (b.form) {
    case 'value': return `${b.name} → ${ret}`;
    case 'member': return b.args.length === 0 ? `m.${b.name} → ${ret}` : `m.${b.name}(${argList}) → ${ret}`;
    case 'function': return `${b.name}(${argList}) → ${ret}`;
  }
}
