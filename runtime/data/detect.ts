// Recognises what a file is from its first bytes (and, for CSV, its LOBSTER name): a Binance gzip
// capture, a LOBSTER zip, a LOBSTER message/orderbook CSV, or documentation that sits beside data
// (skipped when met inside a folder). Anything else is an unknown format, said in one line.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sniffBinance, type BinanceFileInfo } from './binance-market.js';
import { DataError, describeReadError } from './errors.js';
import { isLobsterName } from './lobster-files.js';

export type DetectedFile =
  | { format: 'binance'; path: string; info: BinanceFileInfo }
  | { format: 'lobster-zip'; path: string }
  | { format: 'lobster-csv'; path: string }
  | { format: 'documentation'; path: string };

const DOC_EXTENSIONS = new Set(['.md', '.txt', '.pdf', '.html', '.htm', '.rst']);

export async function detectFile(file: string): Promise<DetectedFile> {
  const head = readHead(file, 512);
  if (head.length === 0) throw new DataError(`${file}: empty file`);
  if (head[0] === 0x1f && head[1] === 0x8b) return { format: 'binance', path: file, info: await sniffBinance(file) };
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) return { format: 'lobster-zip', path: file };
  if (isLobsterName(file)) return { format: 'lobster-csv', path: file };
  if (DOC_EXTENSIONS.has(path.extname(file).toLowerCase())) return { format: 'documentation', path: file };
  const firstLine = head.toString('latin1').split('\n')[0] ?? '';
  if (/^\d+\.\d+,[1-7],\d+,-?\d+,-?\d+,-?1\r?$/.test(firstLine)) {
    throw new DataError(`${file}: looks like a LOBSTER message file, but its name does not say ticker, date and depth (TICKER_YYYY-MM-DD_start_end_message_N.csv)`);
  }
  throw new DataError(`${file}: unknown format (expected a Binance .gz capture, a LOBSTER .zip, or a LOBSTER message/orderbook .csv)`);
}

/** Data files under a folder, in name order, hidden entries left out. */
export function listFolder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out;
}

export function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch (err) {
    throw new DataError(`${p}: ${describeReadError(err)}`);
  }
}

function readHead(file: string, n: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new DataError(`${file}: ${describeReadError(err)}`);
  }
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
