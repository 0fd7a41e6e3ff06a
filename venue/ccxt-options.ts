// The ccxt constructor options that point an unmodified `ccxt.binance` at the loopback venue:
//   new ccxt.binance(loopbackBinanceOptions(venue.url, venue.apiKey, venue.secret))
// - every API base URL (not only the spot ones) points at the venue, so nothing can reach
//   binance.com by accident; the venue answers only /api/v3 (spot);
// - so does every WebSocket URL (urls.api.ws, read by ccxt.pro's binance): spot and margin at the
//   venue's /ws streams, the others at paths the venue refuses (404);
// - httpAgent: a plain node:http Agent. ccxt.pro opens ws:// (not wss://) URLs only through
//   `this.httpAgent` and otherwise throws NotSupported ("run loadHttpProxyAgent() first"); REST calls
//   do not use it;
// - options.fetchMarkets.types = ['spot']: loadMarkets asks only GET /api/v3/exchangeInfo (the
//   default also asks the USD-M and COIN-M futures APIs);
// - options.fetchCurrencies = false: no SAPI call (capital/config/getall) during loadMarkets;
// - options.defaultType = 'spot'; fetchMargins false (no margin pair lists);
// - adjustForTimeDifference false: the venue's clock is the local one.
// Extra options (timeout, enableRateLimit, …) can be spread over the result.
import { Agent } from 'node:http';

const API_PATHS: Readonly<Record<string, string>> = {
  public: '/api/v3',
  private: '/api/v3',
  v1: '/api/v1',
  sapi: '/sapi/v1',
  sapiV2: '/sapi/v2',
  sapiV3: '/sapi/v3',
  sapiV4: '/sapi/v4',
  dapiPublic: '/dapi/v1',
  dapiPrivate: '/dapi/v1',
  dapiPrivateV2: '/dapi/v2',
  dapiData: '/futures/data',
  eapiPublic: '/eapi/v1',
  eapiPrivate: '/eapi/v1',
  fapiPublic: '/fapi/v1',
  fapiPublicV2: '/fapi/v2',
  fapiPublicV3: '/fapi/v3',
  fapiPrivate: '/fapi/v1',
  fapiPrivateV2: '/fapi/v2',
  fapiPrivateV3: '/fapi/v3',
  fapiData: '/futures/data',
  papi: '/papi/v1',
  papiV2: '/papi/v2',
};

/** ccxt.pro binance's urls.api.ws, relative to ws://host:port. */
const WS_PATHS = {
  spot: '/ws',
  margin: '/ws',
  future: '/fstream/ws',
  delivery: '/dstream/ws',
  stock: '/equity/ws',
  option: '/eoptions/public/ws',
  optionMarket: '/eoptions/market/ws',
  optionPrivate: '/eoptions/private/ws',
  'ws-api': { spot: '/ws-api/v3', future: '/ws-fapi/v1', delivery: '/ws-dapi/v1' },
  papi: '/pm/ws',
} as const;

export type LoopbackWsUrls = { [K in keyof typeof WS_PATHS]: (typeof WS_PATHS)[K] extends string ? string : Record<string, string> };

export interface LoopbackBinanceOptions {
  apiKey: string;
  secret: string;
  httpAgent: Agent;
  urls: { api: { [name: string]: string | LoopbackWsUrls; ws: LoopbackWsUrls } };
  options: {
    defaultType: 'spot';
    fetchMarkets: { types: ['spot'] };
    fetchCurrencies: false;
    fetchMargins: false;
    adjustForTimeDifference: false;
  };
}

export function loopbackBinanceOptions(url: string, apiKey: string, secret: string): LoopbackBinanceOptions {
  const base = url.replace(/\/+$/, '');
  const wsBase = base.replace(/^http/, 'ws');
  const ws = {} as Record<string, string | Record<string, string>>;
  for (const [name, path] of Object.entries(WS_PATHS)) {
    ws[name] = typeof path === 'string' ? wsBase + path : Object.fromEntries(Object.entries(path).map(([k, p]) => [k, wsBase + p]));
  }
  const api: LoopbackBinanceOptions['urls']['api'] = { ws: ws as LoopbackWsUrls };
  for (const [name, path] of Object.entries(API_PATHS)) api[name] = base + path;
  return {
    apiKey,
    secret,
    httpAgent: new Agent(),
    urls: { api },
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
  };
}
