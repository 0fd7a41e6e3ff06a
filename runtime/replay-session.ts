// A plan wired to recorded data: books built from the batch, plan markets bound to feed markets, an
// engine that replays the batch. Shared by `quoin run`, the benchmarks and the tests.
import type { Plan } from '../schemas/generated/plan.js';
import { BookReplayer } from './book/replay.js';
import { bindMarkets, type MarketBindingResult } from './bind-markets.js';
import { Engine, type EngineOptions } from './engine.js';
import type { EventBatch } from './events.js';

export interface ReplaySession {
  engine: Engine;
  batch: EventBatch;
  binding: MarketBindingResult;
  replayer: BookReplayer;
  /** Replays rows [from, to) (all by default). */
  run(from?: number, to?: number, timeOffsetNs?: number): void;
}

export function createReplaySession(
  plan: Plan,
  batch: EventBatch,
  options: Omit<EngineOptions, 'markets'> & { markets?: Record<string, string> } = {},
): ReplaySession {
  const binding = bindMarkets(plan, batch.markets, options.markets ?? {});
  // The plan reads price levels only: order-by-order books would be upkeep nobody reads.
  const replayer = new BookReplayer(batch, { orders: false });
  const { markets: _explicit, ...engineOptions } = options;
  const engine = new Engine(plan, {
    ...engineOptions,
    markets: binding.planToFeed.map((f) => {
      const book = replayer.books[f];
      if (!book) throw new Error(`no book for feed market ${f}`);
      return { book };
    }),
  });
  return {
    engine,
    batch,
    binding,
    replayer,
    run(from = 0, to = batch.length, timeOffsetNs = 0) {
      engine.replay(batch, binding.feedToPlan, from, to, timeOffsetNs);
    },
  };
}
