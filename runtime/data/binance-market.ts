// Which market a Binance capture file holds: spot or USD-M futures, which symbol, and its tick.
// Decided from the file's first messages (the two APIs differ in telling fields), with the folder
// name as a fallback, so renamed files still load as what they are.
import { DataError } from './errors.js';
import { gzipFile } from './sources.js';
import { LineReader } from './lines.js';

export type BinanceVenue = 'binance' | 'binanceusdm';

export interface BinanceFileInfo {
  path: string;
  venue: BinanceVenue;
  /** Exchange symbol as in the messages: BTCUSDT. */
  rawSymbol: string;
  /** Unified (ccxt) symbol: BTC/USDT, or BTC/USDT:USDT for USD-M. */
  symbol: string;
  /** Local receive time of the first line, as its digits (ns since the epoch; exceeds 2^53). */
  firstLocalNs: string;
}

/**
 * Ticks of the markets in the shared captures (as the files' prices show them). Binance changes
 * tick sizes over time, so other dates or symbols pass `tickSizes` explicitly.
 */
export const KNOWN_TICK_SIZES: Readonly<Record<string, number>> = {
  'binance BTC/USDT': 0.01,
  'binance ETH/USDT': 0.01,
  'binanceusdm BTC/USDT:USDT': 0.1,
  'binanceusdm ETH/USDT:USDT': 0.01,
};

const QUOTES = ['USDT', 'FDUSD', 'USDC', 'BUSD', 'TUSD', 'DAI', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY', 'BRL'];

export function unifiedSymbol(rawSymbol: string, venue: BinanceVenue): string | undefined {
  const quote = QUOTES.find((q) => rawSymbol.endsWith(q) && rawSymbol.length > q.length);
  if (!quote) return undefined;
  const spot = `${rawSymbol.slice(0, -quote.length)}/${quote}`;
  return venue === 'binanceusdm' ? `${spot}:${quote}` : spot;
}

/** `<digits> {json}`: the capture line shape. */
export const CAPTURE_LINE = /^(\d{16,20}) (\{.*)$/;

const SNIFF_LINES = 500;

/** Reads the head of a capture; throws DataError when the file is not one. */
export async function sniffBinance(path: string): Promise<BinanceFileInfo> {
  const opened = await gzipFile(path).open();
  const reader = new LineReader(opened.stream, path);
  let venue: BinanceVenue | undefined;
  let rawSymbol: string | undefined;
  let firstLocalNs: string | undefined;
  try {
    for (let n = 0; n < SNIFF_LINES && (venue === undefined || rawSymbol === undefined); n++) {
      const line = await reader.next();
      if (line === undefined) break;
      const m = CAPTURE_LINE.exec(line);
      if (!m) {
        if (firstLocalNs === undefined) throw new DataError(`${path}:${reader.line}: unknown format: a gzip file whose lines are not "<local ns> <json>" Binance capture lines`);
        continue;
      }
      firstLocalNs ??= m[1];
      let msg: unknown;
      try {
        msg = JSON.parse(m[2] ?? '');
      } catch {
        continue;
      }
      if (typeof msg !== 'object' || msg === null) continue;
      const rec = msg as Record<string, unknown>;
      const data = (typeof rec.data === 'object' && rec.data !== null ? rec.data : rec) as Record<string, unknown>;
      if (typeof data.s === 'string') rawSymbol ??= data.s.toUpperCase();
      if (typeof rec.stream === 'string' && rawSymbol === undefined) rawSymbol = rec.stream.split('@')[0]?.toUpperCase();
      venue ??= venueOf(rec, data);
    }
  } finally {
    opened.stream.destroy();
  }
  if (firstLocalNs === undefined) throw new DataError(`${path}: empty capture (no lines)`);
  venue ??= /(^|[\\/])(usdm|um|futures)([\\/]|$)/i.test(path) ? 'binanceusdm' : /(^|[\\/])spot([\\/]|$)/i.test(path) ? 'binance' : undefined;
  if (venue === undefined) throw new DataError(`${path}: cannot tell a spot capture from a USD-M one from its first ${SNIFF_LINES} lines`);
  if (rawSymbol === undefined) throw new DataError(`${path}: no symbol in the first ${SNIFF_LINES} lines`);
  const symbol = unifiedSymbol(rawSymbol, venue);
  if (symbol === undefined) throw new DataError(`${path}: cannot split symbol ${rawSymbol} into base and quote`);
  return { path, venue, rawSymbol, symbol, firstLocalNs };
}

/** The APIs' telling fields: futures depth has `pu`, futures trades `X`, futures bookTicker `e`, the futures REST snapshot `E`. */
function venueOf(rec: Record<string, unknown>, data: Record<string, unknown>): BinanceVenue | undefined {
  if ('lastUpdateId' in rec) return 'E' in rec ? 'binanceusdm' : 'binance';
  const stream = typeof rec.stream === 'string' ? rec.stream : '';
  if (stream.includes('@depth')) return 'pu' in data ? 'binanceusdm' : 'binance';
  if (stream.endsWith('@trade')) return 'X' in data ? 'binanceusdm' : 'M' in data ? 'binance' : undefined;
  if (stream.endsWith('@bookTicker')) return 'e' in data ? 'binanceusdm' : 'binance';
  return undefined;
}
