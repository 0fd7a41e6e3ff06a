// One hedge study: an inventory market's data, a hedge market's data, an inventory path on the
// first, a hedge policy → the replayed hedge and its effectiveness report. What `quoin hedge-report`
// and the tests call; loading files stays with the caller (runtime/data/open.ts).
import { mergeFeeds } from '../data/merge.js';
import type { EventBatch, FeedMarket } from '../events.js';
import { hedgeEffectiveness, type HedgeEffectiveness } from './effectiveness.js';
import type { HedgeParams } from './hedger.js';
import { syntheticInventory, type InventoryPath, type SyntheticInventoryOptions } from './inventory.js';
import { replayHedge, type HedgeRun } from './replay.js';

export interface HedgeStudyInput {
  /** One market each. */
  inventoryBatch: EventBatch;
  hedgeBatch: EventBatch;
  /** A path (times in ns since inventoryBatch.dayEpochMs), or the synthetic passive maker's options. */
  inventory: InventoryPath | { synthetic: SyntheticInventoryOptions };
  params: HedgeParams;
  stepNs: number;
  horizonSteps?: number;
  fromNs?: number;
  toNs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface HedgeStudy {
  inventoryMarket: FeedMarket;
  hedgeMarket: FeedMarket;
  inventory: InventoryPath;
  run: HedgeRun;
  report: HedgeEffectiveness;
}

export function hedgeStudy(input: HedgeStudyInput): HedgeStudy {
  const inv = input.inventoryBatch;
  const hedge = input.hedgeBatch;
  if (inv.markets.length !== 1) throw new RangeError(`hedge study: the inventory data must hold one market, not ${inv.markets.length} (${inv.markets.map((m) => `${m.venue} ${m.symbol}`).join(', ')})`);
  if (hedge.markets.length !== 1) throw new RangeError(`hedge study: the hedge data must hold one market, not ${hedge.markets.length} (${hedge.markets.map((m) => `${m.venue} ${m.symbol}`).join(', ')})`);
  const invMarket = inv.markets[0];
  const hedgeMarket = hedge.markets[0];
  if (!invMarket || !hedgeMarket) throw new RangeError('hedge study: missing market');
  if (invMarket.venue === hedgeMarket.venue && invMarket.symbol === hedgeMarket.symbol) throw new RangeError(`hedge study: inventory and hedge are the same market (${invMarket.venue} ${invMarket.symbol})`);
  const merged = mergeFeeds([
    { batch: inv, issues: [] },
    { batch: hedge, issues: [] },
  ]).batch;
  const shiftNs = (inv.dayEpochMs - merged.dayEpochMs) * 1e6;
  let path: InventoryPath;
  if ('synthetic' in input.inventory) {
    path = syntheticInventory(merged, 0, input.inventory.synthetic);
  } else {
    const p = input.inventory;
    path = shiftNs === 0 ? p : { tNs: p.tNs.map((t) => t + shiftNs), qty: p.qty, initialQty: p.initialQty };
  }
  const run = replayHedge(merged, {
    inventoryMarket: 0,
    hedgeMarket: 1,
    inventory: path,
    params: input.params,
    stepNs: input.stepNs,
    fromNs: input.fromNs,
    toNs: input.toNs,
    onProgress: input.onProgress,
  });
  const report = hedgeEffectiveness(run.ledger, { horizonSteps: input.horizonSteps, thresholdQty: input.params.thresholdQty, clipQty: input.params.clipQty, stepNs: input.stepNs });
  return { inventoryMarket: invMarket, hedgeMarket, inventory: path, run, report };
}
