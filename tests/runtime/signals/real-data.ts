// Small readers of the real market data in ../shared/data (never copied into the project) for the
// signal tests. Deliberately independent of runtime/data: they extract only what the signals are fed
// — mids (with their event times) and public trades — and nothing else.
//
// Binance (usdm BTCUSDT, ETHUSDT, 2024-08-08): gzip text lines `<local ns> <json>`; bookTicker lines
// give the best bid/ask (mid = (b + a) / 2) at event time E, trade lines give p, q at trade time T.
// Times are ns since 00:00 UTC of 2024-08-08, exact in a float64.
// LOBSTER AAPL level 10 (first 999 events): the mid of each order book row, at the time of its
// message (s after midnight, ns precision, parsed exactly); executions (types 4 and 5) as trades.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const dataDir = path.resolve(projectRoot, '../shared/data');

export interface Mids {
  name: string;
  t: Float64Array;
  mid: Float64Array;
}

export interface Trades {
  name: string;
  t: Float64Array;
  price: Float64Array;
  qty: Float64Array;
}

const binanceDay = Date.UTC(2024, 7, 8);
const binanceFile = (symbol: string): string => path.join(dataDir, 'binance', 'usdm', `${symbol}_20240808.gz`);
const lobsterDir = path.join(dataDir, 'lobster_aapl10_head');

/** Why the real data cannot be read, or undefined when it can. */
export function realDataMissing(): string | undefined {
  const needed = [binanceFile('btcusdt'), binanceFile('ethusdt'), lobsterDir];
  const absent = needed.filter((f) => !existsSync(f));
  return absent.length ? `real market data not found (${absent.join(', ')}): these tests need ../shared/data next to the project` : undefined;
}

const cache = new Map<string, { mids: Mids; trades: Trades }>();

/** Mids and trades of a Binance USD-M capture, in file order (times are non-decreasing there). */
export function binance(symbol: 'btcusdt' | 'ethusdt'): { mids: Mids; trades: Trades } {
  const hit = cache.get(symbol);
  if (hit) return hit;
  const text = gunzipSync(readFileSync(binanceFile(symbol))).toString('utf8');
  const mt: number[] = [];
  const mm: number[] = [];
  const tt: number[] = [];
  const tp: number[] = [];
  const tq: number[] = [];
  for (const line of text.split('\n')) {
    const isTicker = line.includes('@bookTicker');
    if (!isTicker && !line.includes('@trade')) continue;
    const msg = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data: Record<string, string | number> };
    const d = msg.data;
    if (isTicker) {
      mt.push((Number(d.E) - binanceDay) * 1e6);
      mm.push((Number(d.b) + Number(d.a)) / 2);
    } else {
      tt.push((Number(d.T) - binanceDay) * 1e6);
      tp.push(Number(d.p));
      tq.push(Number(d.q));
    }
  }
  const name = `binance usdm ${symbol.toUpperCase()} 2024-08-08`;
  const out = {
    mids: { name: `${name} mid`, t: Float64Array.from(mt), mid: Float64Array.from(mm) },
    trades: { name: `${name} trades`, t: Float64Array.from(tt), price: Float64Array.from(tp), qty: Float64Array.from(tq) },
  };
  cache.set(symbol, out);
  return out;
}

/** "34200.004241176" → 34200004241176 ns, exactly. */
function secondsToNs(s: string): number {
  const [whole = '0', frac = ''] = s.split('.');
  return Number(whole) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
}

export function lobsterAapl(): { mids: Mids; trades: Trades } {
  const hit = cache.get('aapl');
  if (hit) return hit;
  const files = readdirSync(lobsterDir);
  const message = files.find((f) => f.includes('_message_'));
  const book = files.find((f) => f.includes('_orderbook_'));
  if (!message || !book) throw new Error(`LOBSTER message/orderbook files not found in ${lobsterDir}`);
  const messages = readFileSync(path.join(lobsterDir, message), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const rows = readFileSync(path.join(lobsterDir, book), 'utf8').split('\n').filter((l) => l.trim() !== '');
  if (messages.length !== rows.length) throw new Error(`LOBSTER: ${messages.length} messages but ${rows.length} book rows`);
  const mt: number[] = [];
  const mm: number[] = [];
  const tt: number[] = [];
  const tp: number[] = [];
  const tq: number[] = [];
  messages.forEach((line, k) => {
    const [time = '', type = '', , size = '', price = ''] = line.split(',');
    const t = secondsToNs(time);
    const [ask = '', , bid = ''] = (rows[k] ?? '').split(',');
    const a = Number(ask);
    const b = Number(bid);
    // Empty sides are ±9999999999: no mid then.
    if (Math.abs(a) < 9e9 && Math.abs(b) < 9e9) {
      mt.push(t);
      mm.push((a + b) / 2 / 10_000);
    }
    if (type === '4' || type === '5') {
      tt.push(t);
      tp.push(Number(price) / 10_000);
      tq.push(Number(size));
    }
  });
  const out = {
    mids: { name: 'LOBSTER AAPL 2012-06-21 mid', t: Float64Array.from(mt), mid: Float64Array.from(mm) },
    trades: { name: 'LOBSTER AAPL 2012-06-21 executions', t: Float64Array.from(tt), price: Float64Array.from(tp), qty: Float64Array.from(tq) },
  };
  cache.set('aapl', out);
  return out;
}

/** Both mids at every event of the merged BTCUSDT and ETHUSDT bookTicker streams (NaN before a side's first quote). */
export function binancePair(): { name: string; t: Float64Array; x: Float64Array; y: Float64Array } {
  const a = binance('btcusdt').mids;
  const b = binance('ethusdt').mids;
  const n = a.t.length + b.t.length;
  const t = new Float64Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let i = 0;
  let j = 0;
  let lastX = NaN;
  let lastY = NaN;
  for (let k = 0; k < n; k++) {
    const ta = a.t[i] ?? Infinity;
    const tb = b.t[j] ?? Infinity;
    if (ta <= tb) {
      lastX = a.mid[i] ?? NaN;
      t[k] = ta;
      i++;
    } else {
      lastY = b.mid[j] ?? NaN;
      t[k] = tb;
      j++;
    }
    x[k] = lastX;
    y[k] = lastY;
  }
  return { name: 'binance usdm BTCUSDT/ETHUSDT mids', t, x, y };
}
