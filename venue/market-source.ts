// Where the venue's market comes from: Binance spot captures through the project's data loader
// (openData, with its binary cache), or — with no data — the runtime's seeded simulated market for
// BTC/USDT. Tick, lot and minimums come from the compiler's market catalogue (Binance's published
// filters), the tick from the data itself where it says one.
import { lookupMarket, parseSymbol } from '../compiler/market-catalogue.js';
import { openData } from '../runtime/data/open.js';
import type { EventBatch } from '../runtime/events.js';
import { simulateMarket } from '../runtime/sim/simulated-market.js';
import type { VenueMarket } from './market-feed.js';

export interface VenueMarketSource {
  batch: EventBatch;
  markets: VenueMarket[];
  /** What the market is, for the start banner: file names, or "simulated BTC/USDT (seed 1)". */
  description: string;
}

export class VenueDataError extends Error {
  override name = 'VenueDataError';
}

/** Defaults for symbols the catalogue does not know: Binance's common spot filters. */
const FALLBACK = { lotSize: 0.00001, minQty: 0.00001, minNotional: 5 };

export async function loadMarketSource(data: string | readonly string[] | undefined, sim: { seed: number; durationSec: number; startPrice: number }): Promise<VenueMarketSource> {
  if (data === undefined || data.length === 0) {
    const meta = lookupMarket('binance', 'BTC/USDT');
    const tickSize = meta?.tickSize ?? 0.01;
    const lotSize = meta?.lotSize ?? FALLBACK.lotSize;
    const batch = simulateMarket({
      markets: [{ venue: 'binance', symbol: 'BTC/USDT', tickSize, lotSize, startPrice: sim.startPrice }],
      seed: sim.seed,
      durationSec: sim.durationSec,
      startNs: 0,
    });
    return { batch, markets: venueMarkets(batch), description: `simulated BTC/USDT (seed ${sim.seed}, ${sim.durationSec} s, looping)` };
  }
  const opened = await openData(data);
  const batch = opened.batch;
  for (const m of batch.markets) {
    if (m.venue !== 'binance') throw new VenueDataError(`the venue speaks Binance spot, but ${m.source} holds ${m.venue} ${m.symbol}; give Binance spot captures (e.g. binance/spot/btcusdt_20240808.gz)`);
  }
  return { batch, markets: venueMarkets(batch), description: batch.markets.map((m) => `${m.symbol} from ${m.source}`).join('; ') };
}

function venueMarkets(batch: EventBatch): VenueMarket[] {
  return batch.markets.map((m, index) => {
    const parts = parseSymbol(m.symbol);
    if (!parts) throw new VenueDataError(`cannot split ${m.symbol} into base and quote`);
    const meta = lookupMarket('binance', m.symbol);
    return {
      index,
      symbol: m.symbol,
      id: `${parts.base}${parts.quote}`,
      base: parts.base,
      quote: parts.quote,
      tickSize: m.tickSize,
      lotSize: meta?.lotSize ?? FALLBACK.lotSize,
      minQty: meta?.minQty ?? FALLBACK.minQty,
      minNotional: meta?.minNotional ?? FALLBACK.minNotional,
    };
  });
}
