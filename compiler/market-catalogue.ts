// Metadata of markets the compiler knows without being told: tick and lot sizes and exchange
// minimums, as published by the venues (Binance exchangeInfo, Bybit instruments-info, NASDAQ's
// penny tick for stocks over $1). A rule set can override any of them in its market line; markets
// not listed here must give tick and lot themselves. Venue ids follow ccxt.
import type { Market } from '../schemas/generated/plan.js';

export type MarketMetadata = Pick<Market, 'contract' | 'tickSize' | 'lotSize' | 'minQty' | 'minNotional'>;

const entries: Array<[venue: string, symbol: string, meta: MarketMetadata]> = [
  ['binance', 'BTC/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.00001, minQty: 0.00001, minNotional: 5 }],
  ['binance', 'ETH/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.0001, minQty: 0.0001, minNotional: 5 }],
  ['binance', 'BTC/USDT:USDT', { contract: 'perpetual', tickSize: 0.1, lotSize: 0.001, minQty: 0.001, minNotional: 100 }],
  ['binance', 'ETH/USDT:USDT', { contract: 'perpetual', tickSize: 0.01, lotSize: 0.001, minQty: 0.001, minNotional: 20 }],
  ['binanceusdm', 'BTC/USDT:USDT', { contract: 'perpetual', tickSize: 0.1, lotSize: 0.001, minQty: 0.001, minNotional: 100 }],
  ['binanceusdm', 'ETH/USDT:USDT', { contract: 'perpetual', tickSize: 0.01, lotSize: 0.001, minQty: 0.001, minNotional: 20 }],
  ['bybit', 'BTC/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.000001, minQty: 0.000048, minNotional: 1 }],
  ['bybit', 'ETH/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.00001, minQty: 0.00062, minNotional: 1 }],
  ['bybit', 'BTC/USDT:USDT', { contract: 'perpetual', tickSize: 0.1, lotSize: 0.001, minQty: 0.001, minNotional: 5 }],
  ['bybit', 'ETH/USDT:USDT', { contract: 'perpetual', tickSize: 0.01, lotSize: 0.01, minQty: 0.01, minNotional: 5 }],
  ['okx', 'BTC/USDT', { contract: 'spot', tickSize: 0.1, lotSize: 0.00000001, minQty: 0.00001, minNotional: 0 }],
  ['okx', 'ETH/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.000001, minQty: 0.0001, minNotional: 0 }],
  ['nasdaq', 'AAPL/USD', { contract: 'equity', tickSize: 0.01, lotSize: 1, minQty: 1, minNotional: 0 }],
  ['nasdaq', 'AMZN/USD', { contract: 'equity', tickSize: 0.01, lotSize: 1, minQty: 1, minNotional: 0 }],
  ['nasdaq', 'GOOG/USD', { contract: 'equity', tickSize: 0.01, lotSize: 1, minQty: 1, minNotional: 0 }],
  ['nasdaq', 'MSFT/USD', { contract: 'equity', tickSize: 0.01, lotSize: 1, minQty: 1, minNotional: 0 }],
  ['nasdaq', 'INTC/USD', { contract: 'equity', tickSize: 0.01, lotSize: 1, minQty: 1, minNotional: 0 }],
  // The built-in simulated market (`npm start` without ../shared/data, and the A–S synthetic market).
  ['sim', 'BTC/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.0001, minQty: 0.0001, minNotional: 0 }],
  ['sim', 'ETH/USDT', { contract: 'spot', tickSize: 0.01, lotSize: 0.001, minQty: 0.001, minNotional: 0 }],
  ['sim', 'AS/USD', { contract: 'spot', tickSize: 0.0001, lotSize: 1, minQty: 1, minNotional: 0 }],
];

const catalogue = new Map(entries.map(([venue, symbol, meta]) => [`${venue}:${symbol}`, meta]));

export function lookupMarket(venue: string, symbol: string): MarketMetadata | undefined {
  return catalogue.get(`${venue}:${symbol}`);
}

export function knownVenues(): string[] {
  return [...new Set(entries.map(([venue]) => venue))];
}

export function knownSymbols(venue: string): string[] {
  return entries.filter(([v]) => v === venue).map(([, s]) => s);
}

/** `BTC/USDT` → spot BTC in USDT; `BTC/USDT:USDT` → a perpetual settled in USDT. */
export function parseSymbol(symbol: string): { base: string; quote: string; settle?: string } | undefined {
  const m = /^([A-Za-z0-9]{1,20})\/([A-Za-z0-9]{1,20})(?::([A-Za-z0-9]{1,20}))?$/.exec(symbol);
  if (!m || !m[1] || !m[2]) return undefined;
  return m[3] ? { base: m[1], quote: m[2], settle: m[3] } : { base: m[1], quote: m[2] };
}
