// Oracle 1: replaying each LOBSTER message file through the L3 book reproduces its orderbook file,
// row by row, for every sample in ../shared/data (see ./lobster-oracle.ts for the rules).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lobsterCsvPair, lobsterZipPairs, type LobsterPair } from '../../../runtime/data/lobster-files.js';
import { loadLobster } from '../../../runtime/data/lobster.js';
import { hasSharedData, noDataMessage, sharedData } from './helpers.js';
import { lobsterOracle } from './lobster-oracle.js';

async function allPairs(): Promise<LobsterPair[]> {
  const dir = path.join(sharedData, 'lobster');
  const pairs = [lobsterCsvPair(path.join(sharedData, 'lobster_aapl10_head', 'AAPL_2012-06-21_34200000_57600000_message_10.csv'))];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.zip')).sort()) pairs.push(...(await lobsterZipPairs(path.join(dir, f))));
  return pairs;
}

/** Rows in each orderbook file (PROVENANCE.md; 487,082 in all), so a silently shortened replay cannot pass. */
const EXPECTED_ROWS: Record<string, number> = {
  AAPL_10_head: 999,
  AAPL_1: 118_497,
  AMZN_1: 57_515,
  GOOG_1: 49_482,
  GOOG_5: 112_673,
  GOOG_10: 147_916,
};

const pairs = hasSharedData ? await allPairs() : [];
const nameOf = (pair: LobsterPair): string => `${pair.ticker}_${pair.levels}${pair.message.name.includes('aapl10_head') ? '_head' : ''}`;

describe.skipIf(!hasSharedData)('LOBSTER oracle: message replay reproduces the orderbook files', () => {
  if (!hasSharedData) console.warn(noDataMessage);

  it('covers all six samples', () => {
    expect(pairs.map(nameOf).sort()).toEqual(Object.keys(EXPECTED_ROWS).sort());
  });

  it.each(pairs.map((p) => [nameOf(p), p] as const))('%s: replay matches every orderbook row', async (name, pair) => {
    const t0 = performance.now();
    const feed = await loadLobster(pair);
    const counts = await lobsterOracle(feed.batch, pair);
    console.log(
      `lobster oracle ${name}: ${counts.rowsCompared} rows, ${counts.levelsCompared} levels compared in range, ` +
        `${counts.inRangeMismatches} mismatches, ${counts.adoptedLevels} levels adopted beyond the visible range, ` +
        `${counts.fullRowMismatches} full-row mismatches (${(performance.now() - t0).toFixed(0)} ms)`,
    );
    expect(counts.firstProblem).toBe('');
    expect(counts.rowsCompared).toBe(EXPECTED_ROWS[name]);
    expect(counts.inRangeMismatches).toBe(0);
    expect(counts.adoptionsInsideRange).toBe(0);
    expect(counts.fullRowMismatches).toBe(0);
    expect(counts.levelsCompared).toBeGreaterThan(counts.rowsCompared);
    // The loader's own check agrees: no book_mismatch issue.
    expect(feed.issues.filter((i) => i.kind === 'book_mismatch')).toEqual([]);
  });
});
