// Paper instances on the real Binance spot BTC/USDT recording (../shared/data, never copied into
// the project): the service's default rule set and the Avellaneda–Stoikov template, looped through
// several seams at speed 60, with latency and fees, every limit checked after every pump.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/program.js';
import { NotionalFees } from '../../../runtime/backtest/fees.js';
import { ConstantLatency } from '../../../runtime/backtest/latency.js';
import { defaultPaperData, marketForPlan } from '../../../runtime/paper/open-market.js';
import { PaperInstance } from '../../../runtime/paper/paper-instance.js';
import type { Plan } from '../../../schemas/index.js';
import { root } from '../../helpers.js';
import { FakeClock, pumpSteps } from './helpers.js';

const files = defaultPaperData(path.resolve(root, '../shared'));

function ruleset(name: string): Plan {
  const r = compile(readFileSync(path.join(root, 'rulesets', `${name}.quoin`), 'utf8'), { file: `${name}.quoin` });
  if (!r.plan) throw new Error(`${name} does not compile`);
  return r.plan;
}

function maxPosition(plan: Plan): number {
  const p = plan.params.find((x) => x.name === 'max_position');
  if (typeof p?.value !== 'number') throw new Error('no max_position');
  return p.value;
}

const latency = () => ({ feed: new ConstantLatency(1e6), order: new ConstantLatency(5e6), response: new ConstantLatency(5e6) });

describe.skipIf(!files)(`paper instances on real data${files ? '' : ' (skipped: ../shared/data/binance/spot/btcusdt_2024080{8,9}.gz not found)'}`, () => {
  for (const name of ['pure-symmetric', 'avellaneda-stoikov']) {
    it(`${name}: loops through the recording, fills, holds its limits`, async () => {
      const plan = ruleset(name);
      const { market } = await marketForPlan(plan, { dataPaths: files, seed: 1, speed: 60 });
      const clock = new FakeClock();
      const inst = new PaperInstance({ id: name, plan, market, clock: clock.now, latency: latency(), fees: new NotionalFees(-0.00005, 0.0002) });
      inst.pump();
      let lastT = -Infinity;
      let lastEvents = 0;
      pumpSteps(inst, clock, 45, 1000, maxPosition(plan), () => {
        const s = inst.snapshot();
        expect(s.eventTimeNs).toBeGreaterThan(lastT);
        expect(s.eventsProcessed).toBeGreaterThan(lastEvents);
        lastT = s.eventTimeNs;
        lastEvents = s.eventsProcessed;
      });
      const s = inst.snapshot();
      // 45 s at speed 60 = 45 minutes of event time over an 11-minute recording.
      expect(s.loops).toBe(4);
      expect(s.counts.fills).toBeGreaterThan(10);
      expect(s.markets[0]?.key).toBe('binance:BTC/USDT');
      expect(s.eventTime.startsWith('2024-08-09T0')).toBe(true);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    });
  }

  it('is deterministic on real data', async () => {
    const plan = ruleset('pure-symmetric');
    const { market } = await marketForPlan(plan, { dataPaths: files, seed: 1, speed: 30 });
    const run = (): string[] => {
      const clock = new FakeClock();
      const inst = new PaperInstance({ id: 'det', plan, market, clock: clock.now, latency: latency() });
      const out: string[] = [];
      for (let k = 0; k < 30; k++) {
        clock.ms += 333;
        inst.pump();
        if (k === 12) inst.kill('drill');
        if (k === 18) inst.resume('drill over');
        out.push(JSON.stringify(inst.snapshot()));
      }
      return out;
    };
    expect(run()).toEqual(run());
  });
});
