// Choosing the market of a paper instance: recorded data when paths are given (shared between
// instances), the simulated market otherwise; and which recordings the default rule set uses.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/program.js';
import { defaultPaperData, marketForPlan } from '../../../runtime/paper/open-market.js';
import { root } from '../../helpers.js';
import { tightPlan } from './helpers.js';

const shared = path.resolve(root, '../shared');
const files = defaultPaperData(shared);

describe('marketForPlan', () => {
  it('makes a simulated market for the plan when no data is given', async () => {
    const choice = await marketForPlan(tightPlan(), { seed: 7, speed: 3 });
    expect(choice.market).toEqual({ kind: 'simulated', seed: 7, speed: 3 });
    expect(choice.source).toBe('simulated binance:BTC/USDT (seed 7)');
    expect(choice.notes).toEqual([]);
  });

  it(`opens recorded data, binds the plan's markets and shares the batch between instances${files ? '' : ' (skipped: no ../shared/data/binance/spot)'}`, async () => {
    if (!files) return;
    const a = await marketForPlan(tightPlan(), { dataPaths: files, seed: 1 });
    const b = await marketForPlan(tightPlan(0.7), { dataPaths: files, seed: 2, speed: 5 });
    if (a.market.kind !== 'replay' || b.market.kind !== 'replay') throw new Error('not a replay');
    expect(a.market.speed).toBe(1);
    expect(b.market.speed).toBe(5);
    expect(a.market.batch).toBe(b.market.batch);
    expect(a.market.batch.markets.map((m) => `${m.venue}:${m.symbol}`)).toEqual(['binance:BTC/USDT']);
    expect(a.source).toMatch(/^binance:BTC\/USDT replayed from /);
    // A plan with a market the data lacks is refused with a message that names it.
    const both = compile(readFileSync(path.join(root, 'rulesets/multi-asset.quoin'), 'utf8'), { file: 'multi-asset.quoin' }).plan;
    if (!both) throw new Error('multi-asset does not compile');
    await expect(marketForPlan(both, { dataPaths: files, seed: 1 })).rejects.toThrow(/no data for market eth/);
  });
});

describe('defaultPaperData', () => {
  it('is undefined where the recordings are absent', () => {
    expect(defaultPaperData(mkdtempSync(path.join(tmpdir(), 'quoin-paper-')))).toBeUndefined();
  });

  it.skipIf(!files)('names the two Binance spot BTC/USDT files, from the shared folder or its data folder', () => {
    expect(files?.map((f) => path.relative(shared, f))).toEqual(['data/binance/spot/btcusdt_20240808.gz', 'data/binance/spot/btcusdt_20240809.gz']);
    expect(defaultPaperData(path.join(shared, 'data'))).toEqual(files);
  });
});
