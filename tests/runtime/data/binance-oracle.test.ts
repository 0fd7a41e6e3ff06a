// Oracle 2: the L2 book built from Binance depth diffs agrees with the recorded bookTicker best
// bid/ask — prices and sizes — wherever both describe the same update (ticker u == the u of the
// last diff applied), for all four markets.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DenseL2Book } from '../../../runtime/book/dense-l2-book.js';
import { sniffBinance } from '../../../runtime/data/binance-market.js';
import { loadBinance } from '../../../runtime/data/binance.js';
import { EventFlag, EventKind, Side, type EventBatch, type SideValue } from '../../../runtime/events.js';
import { hasSharedData, noDataMessage, sharedData } from './helpers.js';

interface TouchCheck {
  tickers: number;
  compared: number;
  mismatches: number;
  first: string;
}

/** Replays depth rows in batch order; records the touch after each message, keyed by its update id. */
function compareTickers(b: EventBatch, market = 0): TouchCheck {
  const book = new DenseL2Book();
  const touch = new Map<number, [number, number, number, number]>();
  const tickers: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b.market[i] !== market) continue;
    const kind = b.kind[i];
    if (kind === EventKind.BookClear) book.clear();
    else if (kind === EventKind.BookLevel) {
      book.set((b.side[i] ?? 0) as SideValue, b.priceTicks[i] ?? NaN, b.qty[i] ?? 0);
      if ((b.flags[i] ?? 0) & EventFlag.EndOfMessage) {
        const bid = book.bestBid();
        const ask = book.bestAsk();
        touch.set(b.orderId[i] ?? NaN, [bid, book.qtyAt(Side.Bid, bid), ask, book.qtyAt(Side.Ask, ask)]);
      }
    } else if (kind === EventKind.Ticker) tickers.push(i);
  }
  const r: TouchCheck = { tickers: tickers.length, compared: 0, mismatches: 0, first: '' };
  for (const i of tickers) {
    const t = touch.get(b.orderId[i] ?? NaN);
    if (!t) continue;
    r.compared++;
    const seen = [b.priceTicks[i], b.qty[i], b.price2Ticks[i], b.qty2[i]];
    if (seen.some((x, k) => x !== t[k])) {
      r.mismatches++;
      r.first ||= `line ${b.line[i]}: ticker ${seen.join(' ')} vs book ${t.join(' ')}`;
    }
  }
  return r;
}

const markets: Array<[string, string[]]> = [
  ['spot BTC/USDT', ['spot/btcusdt_20240808.gz', 'spot/btcusdt_20240809.gz']],
  ['spot ETH/USDT', ['spot/ethusdt_20240808.gz', 'spot/ethusdt_20240809.gz']],
  ['usdm BTC/USDT:USDT', ['usdm/btcusdt_20240808.gz']],
  ['usdm ETH/USDT:USDT', ['usdm/ethusdt_20240808.gz']],
];

describe.skipIf(!hasSharedData)('Binance oracle: the book from depth diffs matches bookTicker', () => {
  if (!hasSharedData) console.warn(noDataMessage);

  it.each(markets)('%s', async (name, files) => {
    const infos = await Promise.all(files.map((f) => sniffBinance(path.join(sharedData, 'binance', f))));
    const feed = await loadBinance(infos);
    expect(feed.issues).toEqual([]);
    const r = compareTickers(feed.batch);
    console.log(`binance oracle ${name}: ${r.compared} of ${r.tickers} tickers compared with the book at the same update id, ${r.mismatches} mismatches`);
    expect(r.first).toBe('');
    expect(r.mismatches).toBe(0);
    // Tickers land on a diff's last update id only now and then (the diffs batch many updates): spot
    // gets ~1,050 comparisons per market, USD-M ~550-630; all four together 3,308.
    expect(r.compared).toBeGreaterThan(500);
  });
});
