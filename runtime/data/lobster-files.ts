// Finding LOBSTER message/orderbook pairs: in a zip (the vendor's sample archives) or as two CSV
// files side by side. LOBSTER's file names carry what the rows do not: ticker, date, depth.
//   AAPL_2012-06-21_34200000_57600000_message_10.csv  (window in ms after midnight, 10 levels)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from './errors.js';
import { listZip, plainFile, zipEntry, type TextSource } from './sources.js';

export const LOBSTER_NAME = /^([A-Za-z0-9.]+)_(\d{4}-\d{2}-\d{2})_(\d+)_(\d+)_(message|orderbook)_(\d+)\.csv$/;

export interface LobsterPair {
  message: TextSource;
  orderbook: TextSource;
  ticker: string;
  /** Trading date, YYYY-MM-DD. */
  date: string;
  /** Book levels per side in the orderbook file. */
  levels: number;
}

export function isLobsterName(file: string): boolean {
  return LOBSTER_NAME.test(path.basename(file));
}

/** The pair a message or orderbook CSV belongs to (its partner found beside it). */
export function lobsterCsvPair(file: string): LobsterPair {
  const m = LOBSTER_NAME.exec(path.basename(file));
  if (!m) throw new DataError(`${file}: not a LOBSTER file name (TICKER_YYYY-MM-DD_start_end_message_N.csv)`);
  const partnerName = path.basename(file).replace(/_(message|orderbook)_(\d+)\.csv$/, (_all, kind: string, n: string) => `_${kind === 'message' ? 'orderbook' : 'message'}_${n}.csv`);
  const partner = path.join(path.dirname(file), partnerName);
  if (!existsSync(partner)) throw new DataError(`${file}: its LOBSTER partner ${partnerName} is missing`);
  const [message, orderbook] = m[5] === 'message' ? [file, partner] : [partner, file];
  return { message: plainFile(message), orderbook: plainFile(orderbook), ticker: m[1] ?? '', date: m[2] ?? '', levels: Number(m[6]) };
}

/** Every message/orderbook pair in a zip; other entries (the vendor's ReadMe) are ignored. */
export async function lobsterZipPairs(zipPath: string): Promise<LobsterPair[]> {
  const entries = await listZip(zipPath);
  const byName = new Map(entries.map((e) => [path.posix.basename(e.name), e]));
  const pairs: LobsterPair[] = [];
  for (const e of entries) {
    const m = LOBSTER_NAME.exec(path.posix.basename(e.name));
    if (!m || m[5] !== 'message') continue;
    const obName = path.posix.basename(e.name).replace(/_message_(\d+)\.csv$/, '_orderbook_$1.csv');
    const ob = byName.get(obName);
    if (!ob) throw new DataError(`${zipPath}: ${e.name} has no ${obName} beside it`);
    pairs.push({ message: zipEntry(zipPath, e), orderbook: zipEntry(zipPath, ob), ticker: m[1] ?? '', date: m[2] ?? '', levels: Number(m[6]) });
  }
  if (pairs.length === 0) throw new DataError(`${zipPath}: unknown format: a zip without LOBSTER message/orderbook CSV pairs`);
  return pairs;
}
