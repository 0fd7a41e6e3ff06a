// `credit VENUE <= L -> action`: the per-venue credit limit (R8) in the risk block.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { diagnosticsOf, strategy } from '../helpers.js';

const withRule = (rule: string): string => strategy(`  risk {\n    ${rule}\n  }`);

describe('credit rules', () => {
  it('lower to a risk rule naming the venue, with its limit and worst case', () => {
    const r = compile(withRule('credit binance <= 250000 USDT -> reduce_only'), { file: 't.quoin' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const rule = r.plan!.risk.find((x) => x.kind === 'credit');
    expect(rule).toMatchObject({ kind: 'credit', venue: 'binance', action: 'reduce_only', worstCase: 250000 });
    expect(r.plan!.nodes[rule!.limit!]).toMatchObject({ op: 'const', value: 250000 });
  });

  it('name a venue the strategy trades on, with a did-you-mean', () => {
    expect(diagnosticsOf(withRule('credit binanse <= 1000 USDT -> halt'))).toEqual([expect.stringMatching(/error: no market of this strategy trades on venue 'binanse'; did you mean binance\? \[Q2003\]/)]);
  });

  it('take a notional limit', () => {
    expect(diagnosticsOf(withRule('credit binance <= 1 BTC -> halt')).join('\n')).toMatch(/a credit limit/);
    expect(diagnosticsOf(withRule('credit binance <= 0 USDT -> halt')).join('\n')).toMatch(/Q4009|positive|greater than 0/);
  });

  it('need a venue after the word', () => {
    expect(diagnosticsOf(withRule('credit <= 1000 USDT -> halt')).join('\n')).toMatch(/error: .*\[Q1002\]/);
  });
});
