// The ccxt constructor options that point an unmodified `ccxt.binance` at the loopback venue:
//   new ccxt.binance(loopbackBinanceOptions(venue.url, venue.apiKey, venue.secret))
// - every API base URL (not only the spot ones) points at the venue, so nothing can reach
//   binance.com by accident; the venue answers only /api/v3 (spot);
// - options.fetchMarkets.types = ['spot']: loadMarkets asks only GET /api/v3/exchangeInfo (the
//   default also asks the USD-M and COIN-M futures APIs);
// - options.fetchCurrencies = false: no SAPI call (capital/config/getall) during loadMarkets;
// - options.defaultType = 'spot'; fetchMargins false (no margin pair lists);
// - adjustForTimeDifference false: the venue's clock is the local one.
// Extra options (timeout, enableRateLimit, …) can be spread over the result.

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

export interface LoopbackBinanceOptions {
  apiKey: string;
  secret: string;
  urls: { api: Record<string, string> };
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
  const api: Record<string, string> = {};
  for (const [name, path] of Object.entries(API_PATHS)) api[name] = base + path;
  return {
    apiKey,
    secret,
    urls: { api },
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
  };
}
