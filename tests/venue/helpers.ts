// Shared set-up of the venue tests: a venue on a free loopback port and a ccxt binance client for it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import ccxt from 'ccxt';
import { loopbackBinanceOptions } from '../../venue/ccxt-options.js';
import { startVenueServer, type VenueServer, type VenueServerOptions } from '../../venue/server.js';

export const SPOT_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'binance', 'spot');
export const hasSpotData = existsSync(path.join(SPOT_DIR, 'btcusdt_20240808.gz'));

export async function startVenue(options: VenueServerOptions = {}): Promise<VenueServer> {
  return startVenueServer({ host: '127.0.0.1', port: 0, apiKey: 'testkey0123456789', secret: 'testsecret0123456789', ...options });
}

export function client(venue: VenueServer, extra: Record<string, unknown> = {}): InstanceType<typeof ccxt.binance> {
  const o = loopbackBinanceOptions(venue.url, venue.apiKey, venue.secret);
  return new ccxt.binance({ ...o, ...extra, options: { ...o.options, ...((extra.options as object | undefined) ?? {}) } });
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
