// Data names in requests (`binance/spot/btcusdt_20240808.gz`) → files under the server's data
// directory. A name may not leave the directory (no absolute paths, no ..), so the API cannot be
// used to read arbitrary files.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { JobMarket } from '../jobs/job-market.js';
import { ApiError } from './errors.js';

export interface DataFiles {
  /** The data directory, when the server has one. */
  dir: string | undefined;
  /** Names (relative to dir) of the default market, when there is data. */
  defaults: string[] | undefined;
  /** Length of the simulated market when there is no data. */
  simulatedSec: number;
}

export function resolveDataName(dir: string | undefined, name: string): string {
  if (!dir) throw new ApiError(422, 'no_data', 'this server has no data directory: omit data to use the simulated market, or start the server with --data-dir');
  if (/[\0-\x1f\x7f]/.test(name)) {
    throw new ApiError(400, 'invalid_data_path', `data name ${JSON.stringify(name)} holds a control character (NUL, newline, …); file names here never do`);
  }
  if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
    throw new ApiError(400, 'invalid_data_path', `data name '${name}' must be a path inside the data directory (no absolute paths, no ..)`);
  }
  const file = path.resolve(dir, name);
  if (!file.startsWith(path.resolve(dir) + path.sep)) throw new ApiError(400, 'invalid_data_path', `data name '${name}' leaves the data directory`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new ApiError(422, 'data_not_found', `no data file '${name}' in the data directory`);
  return file;
}

export function marketResolver(files: DataFiles): (data: string[] | undefined, seed: number) => JobMarket {
  return (data, seed) => {
    const names = data ?? files.defaults;
    if (names && names.length > 0) return { kind: 'files', paths: names.map((n) => resolveDataName(files.dir, n)) };
    return { kind: 'simulated', seed, durationSec: files.simulatedSec };
  };
}
