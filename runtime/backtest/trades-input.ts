// Reads the records of a run file ({ fills, marks, dayEpochMs?, markets?, … } as JSON) into FillRecords and MarkSamples,
// refusing malformed input with the JSON path of the first problem. JSON has no NaN: a null where
// the records allow NaN (a missing mid, an unquoted side, an empty book side) reads back as NaN.
// Other top-level fields of the run file are the backtester's business and are not read here.
import type { SideValue } from '../events.js';
import type { FillRecord, MarkSample } from './records.js';

export class RunFileError extends Error {
  override name = 'RunFileError';
}

export interface RunRecords {
  fills: FillRecord[];
  marks: MarkSample[];
  /** Start of the data's day (ms since the epoch), when the run file says: fill times are ns after it. */
  dayEpochMs: number | null;
  /** Plan market aliases by index (the run file's `markets`), when it has them. */
  marketAliases: string[] | null;
}

export function parseRunRecords(value: unknown): RunRecords {
  const root = object(value, '');
  const fillsIn = array(root.fills, 'fills');
  const marksIn = array(root.marks, 'marks');
  const marks = marksIn.map((v, k) => readMark(v, `marks[${k}]`));
  let width = -1;
  for (let k = 0; k < marks.length; k++) {
    const s = marks[k];
    if (!s) continue;
    const prev = marks[k - 1];
    if (prev && s.tNs < prev.tNs) fail(`marks[${k}].tNs`, `samples must be in time order (${s.tNs} comes after ${prev.tNs})`);
    for (const [field, list] of [['mids', s.mids], ['positions', s.positions], ['quoteBid', s.quoteBid], ['quoteAsk', s.quoteAsk]] as const) {
      if (width < 0) width = list.length;
      if (list.length !== width) fail(`marks[${k}].${field}`, `has ${list.length} markets, but the samples before have ${width}`);
    }
  }
  const fills = fillsIn.map((v, i) => readFill(v, `fills[${i}]`));
  if (width >= 0) {
    fills.forEach((f, i) => {
      if (f.market >= width) fail(`fills[${i}].market`, `is ${f.market}, but the samples have ${width} market${width === 1 ? '' : 's'}`);
    });
  }
  const day = root.dayEpochMs;
  if (day !== undefined && (typeof day !== 'number' || !Number.isFinite(day))) fail('dayEpochMs', `expected a number of ms since 1970, got ${show(day)}`);
  const aliases = root.markets === undefined ? null : array(root.markets, 'markets').map((a, m) => string(a, `markets[${m}]`));
  if (aliases && width >= 0 && aliases.length !== width) fail('markets', `names ${aliases.length} market${aliases.length === 1 ? '' : 's'}, but the samples have ${width}`);
  return { fills, marks, dayEpochMs: typeof day === 'number' ? day : null, marketAliases: aliases };
}

function readFill(v: unknown, at: string): FillRecord {
  const o = object(v, at);
  const bookIn = object(o.book, `${at}.book`);
  return {
    tNs: finite(o.tNs, `${at}.tNs`),
    localNs: finite(o.localNs, `${at}.localNs`),
    market: index(o.market, `${at}.market`),
    marketAlias: string(o.marketAlias, `${at}.marketAlias`),
    orderId: finite(o.orderId, `${at}.orderId`),
    side: side(o.side, `${at}.side`),
    price: positive(o.price, `${at}.price`),
    qty: positive(o.qty, `${at}.qty`),
    fee: finite(o.fee, `${at}.fee`),
    liquidity: oneOf(o.liquidity, ['maker', 'taker'] as const, `${at}.liquidity`),
    hedge: boolean(o.hedge, `${at}.hedge`),
    level: index(o.level, `${at}.level`),
    scenario: string(o.scenario, `${at}.scenario`),
    planHash: string(o.planHash, `${at}.planHash`),
    mid: nanable(o.mid, `${at}.mid`),
    positionAfter: finite(o.positionAfter, `${at}.positionAfter`),
    book: {
      bid: nanable(bookIn.bid, `${at}.book.bid`),
      ask: nanable(bookIn.ask, `${at}.book.ask`),
      bidQty: nanable(bookIn.bidQty, `${at}.book.bidQty`),
      askQty: nanable(bookIn.askQty, `${at}.book.askQty`),
    },
  };
}

function readMark(v: unknown, at: string): MarkSample {
  const o = object(v, at);
  return {
    tNs: finite(o.tNs, `${at}.tNs`),
    mids: array(o.mids, `${at}.mids`).map((x, m) => nanable(x, `${at}.mids[${m}]`)),
    positions: array(o.positions, `${at}.positions`).map((x, m) => finite(x, `${at}.positions[${m}]`)),
    pnl: nanable(o.pnl, `${at}.pnl`),
    scenario: string(o.scenario, `${at}.scenario`),
    quoteBid: array(o.quoteBid, `${at}.quoteBid`).map((x, m) => nanable(x, `${at}.quoteBid[${m}]`)),
    quoteAsk: array(o.quoteAsk, `${at}.quoteAsk`).map((x, m) => nanable(x, `${at}.quoteAsk[${m}]`)),
  };
}

function fail(at: string, message: string): never {
  throw new RunFileError(at ? `${at}: ${message}` : message);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    fail(at, at === '' ? `expected a run file object with fills and marks, got ${show(v)}` : `expected an object, got ${show(v)}`);
  }
  return v as Record<string, unknown>;
}

function array(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) fail(at, `expected an array, got ${show(v)}`);
  return v;
}

function finite(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, `expected a number, got ${show(v)}`);
  return v;
}

function positive(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(at, `expected a positive number, got ${show(v)}`);
  return v;
}

function index(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(at, `expected a whole number ≥ 0, got ${show(v)}`);
  return v;
}

/** A number, or null standing for NaN. */
function nanable(v: unknown, at: string): number {
  if (v === null) return NaN;
  if (typeof v !== 'number') fail(at, `expected a number or null, got ${show(v)}`);
  return v;
}

function string(v: unknown, at: string): string {
  if (typeof v !== 'string') fail(at, `expected a string, got ${show(v)}`);
  return v;
}

function boolean(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') fail(at, `expected true or false, got ${show(v)}`);
  return v;
}

function side(v: unknown, at: string): SideValue {
  if (v !== 0 && v !== 1) fail(at, `expected 0 (our buy) or 1 (our sell), got ${show(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, options: readonly T[], at: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) fail(at, `expected ${options.map((o) => `"${o}"`).join(' or ')}, got ${show(v)}`);
  return v as T;
}
