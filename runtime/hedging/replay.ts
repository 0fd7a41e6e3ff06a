// Drives a Hedger over recorded data: one batch holding the inventory market and the hedge market,
// replayed in exchange-time order into L2 books, with a hedge decision on a regular grid of event
// time. At grid time g the books hold every row stamped ≤ g (rows of one venue message share a time,
// so the book is never seen mid-message). Runs only over the span where both markets have data.
import { BookReplayer } from '../book/replay.js';
import type { EventBatch } from '../events.js';
import { Hedger, type HedgeParams, type HedgeStepResult, type HedgeTotals } from './hedger.js';
import { InventoryCursor, type InventoryPath } from './inventory.js';
import { bookMid } from './walk-book.js';

export interface HedgeReplayOptions {
  /** Batch market index of the market we hold inventory in, and of the hedge market. */
  inventoryMarket: number;
  hedgeMarket: number;
  inventory: InventoryPath;
  params: HedgeParams;
  /** Decision (and PnL sampling) interval, ns of event time (> 0). */
  stepNs: number;
  /** Limits inside the overlap of both markets' data (ns since batch.dayEpochMs). */
  fromNs?: number;
  toNs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One row per decision step, as columns. */
export interface HedgeLedger {
  tNs: number[];
  valid: boolean[];
  inventoryQty: number[];
  inventoryMid: number[];
  hedgeMid: number[];
  ratio: number[];
  exposureBefore: number[];
  exposureAfter: number[];
  hedgePosition: number[];
  tradeQty: number[];
  tradeNotional: number[];
  unfilledQty: number[];
  fee: number[];
  spreadCost: number[];
  unhedgedPnlStep: number[];
  hedgePnlStep: number[];
}

export interface HedgeRun {
  ledger: HedgeLedger;
  totals: HedgeTotals;
  params: HedgeParams;
  stepNs: number;
  fromNs: number;
  toNs: number;
  /** The hedger at the end (its position, and the final fit for the beta policy). */
  hedger: Hedger;
}

export function emptyLedger(): HedgeLedger {
  return { tNs: [], valid: [], inventoryQty: [], inventoryMid: [], hedgeMid: [], ratio: [], exposureBefore: [], exposureAfter: [], hedgePosition: [], tradeQty: [], tradeNotional: [], unfilledQty: [], fee: [], spreadCost: [], unhedgedPnlStep: [], hedgePnlStep: [] };
}

/** Copies one step's result (an object the hedger reuses) into the ledger's columns. */
export function appendStep(ledger: HedgeLedger, r: HedgeStepResult): void {
  ledger.tNs.push(r.tNs);
  ledger.valid.push(r.valid);
  ledger.inventoryQty.push(r.inventoryQty);
  ledger.inventoryMid.push(r.inventoryMid);
  ledger.hedgeMid.push(r.hedgeMid);
  ledger.ratio.push(r.ratio);
  ledger.exposureBefore.push(r.exposureBefore);
  ledger.exposureAfter.push(r.exposureAfter);
  ledger.hedgePosition.push(r.hedgePosition);
  ledger.tradeQty.push(r.tradeQty);
  ledger.tradeNotional.push(r.tradeNotional);
  ledger.unfilledQty.push(r.unfilledQty);
  ledger.fee.push(r.fee);
  ledger.spreadCost.push(r.spreadCost);
  ledger.unhedgedPnlStep.push(r.unhedgedPnlStep);
  ledger.hedgePnlStep.push(r.hedgePnlStep);
}

/** First and last row time of each market in the batch. */
export function marketSpans(batch: EventBatch): Array<{ firstNs: number; lastNs: number }> {
  const spans = batch.markets.map(() => ({ firstNs: Infinity, lastNs: -Infinity }));
  for (let i = 0; i < batch.length; i++) {
    const s = spans[batch.market[i] ?? 0];
    const t = batch.exchTs[i] ?? NaN;
    if (!s) continue;
    if (t < s.firstNs) s.firstNs = t;
    if (t > s.lastNs) s.lastNs = t;
  }
  return spans;
}

export function replayHedge(batch: EventBatch, options: HedgeReplayOptions): HedgeRun {
  const { inventoryMarket: im, hedgeMarket: hm, stepNs } = options;
  if (!batch.markets[im]) throw new RangeError(`hedge replay: no market ${im} in the batch (it has ${batch.markets.length})`);
  if (!batch.markets[hm]) throw new RangeError(`hedge replay: no market ${hm} in the batch (it has ${batch.markets.length})`);
  if (im === hm) throw new RangeError('hedge replay: the inventory and hedge markets must differ');
  if (!(stepNs > 0) || !Number.isFinite(stepNs)) throw new RangeError(`hedge replay: stepNs must be a finite number > 0, not ${stepNs}`);
  const spans = marketSpans(batch);
  const a = spans[im];
  const b = spans[hm];
  if (!a || !b || !(a.firstNs <= a.lastNs) || !(b.firstNs <= b.lastNs)) throw new RangeError('hedge replay: a market has no rows');
  const fromNs = Math.max(a.firstNs, b.firstNs, options.fromNs ?? -Infinity);
  const toNs = Math.min(a.lastNs, b.lastNs, options.toNs ?? Infinity);
  if (!(fromNs < toNs)) throw new RangeError(`hedge replay: the two markets' data do not overlap in time (inventory ${fmtSpan(a)}, hedge ${fmtSpan(b)})`);

  const hedger = new Hedger(options.params);
  const books = new BookReplayer(batch);
  const invBook = books.books[im];
  const hedgeBook = books.books[hm];
  if (!invBook || !hedgeBook) throw new RangeError('hedge replay: missing book');
  const cursor = new InventoryCursor(options.inventory);
  const ledger = emptyLedger();
  let grid = Math.ceil(fromNs / stepNs) * stepNs;
  const step = (g: number): void => {
    appendStep(ledger, hedger.step({ tNs: g, inventoryQty: cursor.at(g), inventoryMid: bookMid(invBook), hedgeBook }));
  };
  const n = batch.length;
  const progressEvery = 1 << 16;
  for (let i = 0; i < n; i++) {
    const t = batch.exchTs[i] ?? NaN;
    while (grid < t && grid <= toNs) {
      step(grid);
      grid += stepNs;
    }
    if (grid > toNs) break;
    const m = batch.market[i];
    if (m === im || m === hm) books.apply(batch, i);
    if (options.onProgress && (i & (progressEvery - 1)) === 0) options.onProgress(i, n);
  }
  while (grid <= toNs) {
    step(grid);
    grid += stepNs;
  }
  options.onProgress?.(n, n);
  return { ledger, totals: { ...hedger.totals }, params: options.params, stepNs, fromNs, toNs, hedger };
}

function fmtSpan(s: { firstNs: number; lastNs: number }): string {
  return `${(s.firstNs / 1e9).toFixed(3)}–${(s.lastNs / 1e9).toFixed(3)} s`;
}
