// The engine's limits on REAL event streams (Binance spot BTC/USDT and LOBSTER AAPL), with our
// orders filled whenever the market trades through them (adverse selection at its worst).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/program.js';
import type { OrderAction } from '../../../runtime/engine.js';
import { openData } from '../../../runtime/data/open.js';
import { EventFlag } from '../../../runtime/events.js';
import { createReplaySession, type ReplaySession } from '../../../runtime/replay-session.js';
import { root } from '../../helpers.js';

const data = path.resolve(root, '../shared/data');
const haveData = existsSync(data);

function plan(file: string, edit: (s: string) => string = (s) => s) {
  const r = compile(edit(readFileSync(path.join(root, file), 'utf8')), { file });
  if (!r.plan) throw new Error('no plan');
  return r.plan;
}

/** Replays message by message; fills every working order the book has traded through, at its price. */
function replayCrossing(s: ReplaySession, messages = Infinity): void {
  const b = s.batch;
  let from = 0;
  let seen = 0;
  for (let i = 0; i < b.length && seen < messages; i++) {
    if (((b.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) continue;
    s.run(from, i + 1);
    from = i + 1;
    seen++;
    const e = s.engine;
    for (const o of e.workingOrders()) {
      const v = e.view(o.market);
      if (!v) continue;
      const crossed = o.side === 0 ? o.price >= v.ask : o.price <= v.bid;
      if (crossed) e.onFill(o.id, o.qty, o.price, o.qty * o.price * 0.0002, b.exchTs[i] ?? 0);
    }
  }
}

describe.skipIf(!haveData)('engine limits on real data', () => {
  const cases: Array<{ name: string; files: string[]; rules: string; edit?: (s: string) => string; limit: number; size: number; bandBps: number; rate: number }> = [
    {
      name: 'Binance spot BTC/USDT, inventory-skewed ladder',
      files: ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'],
      rules: 'rulesets/inventory-skewed-ladder.quoin',
      // Tighter limits than the template, so they bind within ten minutes of data.
      edit: (s) => s.replace('max_position = 0.1 BTC ', 'max_position = 0.02 BTC').replace('half_spread  = 4 bps', 'half_spread  = 1 bps').replace('orders       <= 40 per 1s', 'orders       <= 8 per 1s'),
      limit: 0.02,
      size: 0.005 * 2,
      bandBps: 100,
      rate: 8,
    },
    {
      name: 'LOBSTER AAPL level 1 (a whole day), Avellaneda–Stoikov as a template',
      files: ['lobster/LOBSTER_SampleFile_AAPL_2012-06-21_1.zip'],
      rules: 'rulesets/avellaneda-stoikov.quoin',
      edit: (s) => s.replace('kappa        = 4000', 'kappa        = 20000').replace('max_position = 0.1 BTC ', 'max_position = 0.03 BTC'),
      limit: 0.03,
      size: 0.01,
      bandBps: 50,
      rate: 50,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: position, price band and order rate hold`, async () => {
      const { batch } = await openData(c.files.map((f) => path.join(data, f)));
      const actions: Array<OrderAction & { mid: number }> = [];
      let maxAbs = 0;
      const s = createReplaySession(plan(c.rules, c.edit), batch, {
        sink: (a) => {
          actions.push({ ...a, mid: s.engine.view(0)?.mid ?? NaN });
          maxAbs = Math.max(maxAbs, Math.abs(s.engine.position(0)));
        },
      });
      replayCrossing(s);
      maxAbs = Math.max(maxAbs, Math.abs(s.engine.position(0)));
      const e = s.engine;
      expect(e.stats.events).toBe(batch.length);
      expect(e.stats.actions.place).toBeGreaterThan(0);
      expect(e.account(0)?.fills ?? 0).toBeGreaterThan(0);
      expect(maxAbs).toBeLessThanOrEqual(c.limit + c.size + 1e-9);
      console.log(`${c.name}: ${e.account(0)?.fills} fills, max |position| ${maxAbs}, ${e.stats.rejected} refused, ${e.stats.throttled} throttled, risk changes ${e.stats.riskTransitions.length}`);
      for (const a of actions) {
        if (a.kind !== 'cancel') expect(Math.abs(a.price - a.mid) / a.mid).toBeLessThanOrEqual(c.bandBps / 1e4 + 1e-9);
      }
      const times = actions.filter((a) => a.kind !== 'cancel').map((a) => a.tNs);
      for (let i = 0; i + c.rate < times.length; i++) expect((times[i + c.rate] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(1e9);
    }, 60_000);
  }

  it('is deterministic on real data: two runs give the same action log', async () => {
    const { batch } = await openData([path.join(data, 'binance/spot/btcusdt_20240808.gz'), path.join(data, 'binance/spot/btcusdt_20240809.gz')]);
    const p = plan('rulesets/multi-scenario.quoin');
    const run = (): string => {
      const log: string[] = [];
      const s = createReplaySession(p, batch, { sink: (a) => log.push(JSON.stringify(a)) });
      replayCrossing(s, 20_000);
      return log.join('\n');
    };
    const a = run();
    expect(a.length).toBeGreaterThan(1000);
    expect(run()).toBe(a);
  }, 60_000);
});
