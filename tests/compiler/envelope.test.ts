// The envelope check on a real template: each bound the risk manager sets is either implied by the
// plan's limits at their worst case, or reported at the line of the limit (or param) that breaks it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEnvelope, type EnvelopeLimits } from '../../compiler/envelope.js';
import { compile } from '../../compiler/program.js';
import { formatDiagnostic } from '../../dsl/diagnostics.js';
import { rulesetsDir, strategy } from '../helpers.js';

const file = 'rulesets/multi-asset.quoin';
const source = readFileSync(path.join(rulesetsDir, 'multi-asset.quoin'), 'utf8');
const plan = compile(source, { file }).plan;
if (!plan) throw new Error('multi-asset.quoin must compile');

function check(...envelopes: EnvelopeLimits[]): string[] {
  return checkEnvelope(plan as NonNullable<typeof plan>, source, envelopes).map(formatDiagnostic);
}

describe('checkEnvelope', () => {
  it('passes a plan whose limits are all inside the envelope', () => {
    expect(check({ scope: 'global', maxPosition: 2, maxNotional: 12000, maxDailyLoss: 600, paramBounds: { half_spread: { lo: 0.0001, hi: 0.003 } } })).toEqual([]);
  });

  it('names the line of each position limit looser than the envelope', () => {
    expect(check({ scope: 'global', maxPosition: 0.05 })).toEqual([
      `${file}:42:5: error: this limit lets the position on binance:BTC/USDT reach 0.1 BTC, more than the 0.05 BTC the global envelope allows [Q6001]`,
      `${file}:43:5: error: this limit lets the position on binance:ETH/USDT reach 2 ETH, more than the 0.05 ETH the global envelope allows [Q6001]`,
    ]);
  });

  it('applies a market envelope to that market only, and ignores markets the plan does not trade', () => {
    expect(check({ scope: 'binance:ETH/USDT', maxPosition: 1 })).toEqual([
      `${file}:43:5: error: this limit lets the position on binance:ETH/USDT reach 2 ETH, more than the 1 ETH the envelope of binance:ETH/USDT allows [Q6001]`,
    ]);
    expect(check({ scope: 'binance:SOL/USDT', maxPosition: 0.0001, maxNotional: 1 })).toEqual([]);
  });

  it('checks notional and daily loss limits at their worst case', () => {
    expect(check({ scope: 'global', maxNotional: 10000, maxDailyLoss: 500 })).toEqual([
      `${file}:44:5: error: this limit lets the notional reach 12000 USDT, more than the 10000 USDT the global envelope allows [Q6001]`,
      `${file}:45:5: error: this limit lets the daily loss reach 600 USDT, more than the 500 USDT the global envelope allows [Q6001]`,
    ]);
  });

  it('reports a capped quantity that no limit bounds', () => {
    const [d] = check({ scope: 'global', maxDrawdown: 300 });
    expect(d).toContain('no drawdown limit of the rule set bounds it: add e.g. drawdown <= 300 USDT -> halt [Q6002]');
  });

  it('reports param bounds reaching outside the allowed range at the param line', () => {
    expect(check({ scope: 'global', paramBounds: { half_spread: { lo: 0.0002, hi: 0.003 }, not_a_param: { lo: 0, hi: 1 } } })).toEqual([
      `${file}:12:5: error: half_spread can take values outside what the global envelope allows: its bounds [0.0001, 0.003] are not inside [0.0002, 0.003] (canonical units: bps and % as fractions, durations in seconds) [Q6003]`,
    ]);
  });

  it('counts a scenario override of a limit param at its worst case', () => {
    const src = strategy(
      `  scenario wide when m.spread > 10 bps * m.mid {\n    max_position = 2 BTC\n  }`,
    );
    const p = compile(src, { file: 't.quoin' }).plan;
    expect(p).toBeDefined();
    const found = checkEnvelope(p as NonNullable<typeof p>, src, [{ scope: 'global', maxPosition: 1 }]);
    expect(found.map((d) => d.code)).toEqual(['Q6001']);
    expect(found[0]?.message).toContain('reach 2 BTC');
  });
});
