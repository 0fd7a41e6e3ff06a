// The unit rules, as an author meets them: each row types one expression in a strategy with a BTC
// and an ETH market, and expects its unit or the diagnostic code that rejects it.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { label } from '../../compiler/units.js';

function typeOf(expr: string): string {
  const src = `strategy "u" version 1 {
  market m = binance:"BTC/USDT"
  market e = binance:"ETH/USDT"
  params {
    gamma = 0.1
    spread = 8 bps
    size = 0.01 BTC
    budget = 1000 USDT
    window = 30s
  }
  signal s = ${expr}
}`;
  const r = compile(src, { file: 'u.quoin' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return errors.map((d) => d.code).join(',');
  const ast = r.ast;
  const sig = ast?.items.find((i) => i.kind === 'signal');
  if (sig?.kind !== 'signal') throw new Error('no signal');
  const t = r.checked?.types.get(sig.value);
  return t ? label(t) : 'untyped';
}

describe('unit algebra', () => {
  it.each([
    // addition and comparison need the same unit
    ['m.mid + m.spread', 'price<USDT/BTC>'],
    ['m.mid + size', 'Q3001'],
    ['m.mid + spread', 'Q3001'],
    ['m.mid - e.mid', 'Q3008'],
    ['size + 1 ETH', 'Q3008'],
    ['m.mid > 100', 'Q3007'],
    ['m.mid > 0', 'bool'],
    ['spread + 2 bps', 'bps'],
    ['spread + 0.5', 'Q3007'],
    ['spread + m.spread / m.mid', 'bps'],
    ['window + 5', 'Q3007'],
    ['window + 5s', 'duration'],
    ['1 - gamma', 'ratio'],
    ['1 - spread', 'bps'],
    ['2 - spread', 'Q3007'],
    // multiplication and division
    ['spread * m.mid', 'price<USDT/BTC>'],
    ['m.mid * size', 'notional<USDT>'],
    ['e.mid * size', 'Q3008'],
    ['budget / m.mid', 'qty<BTC>'],
    ['budget / size', 'price<USDT/BTC>'],
    ['m.mid / m.bid', 'ratio'],
    ['m.mid * m.mid', 'Q3002'],
    ['size / m.mid', 'Q3002'],
    ['gamma * m.mid', 'price<USDT/BTC>'],
    ['position / size', 'ratio'],
    ['position * gamma', 'qty<BTC>'],
    // durations count in seconds in arithmetic
    ['gamma * window', 'ratio'],
    ['m.spread * 2s', 'price<USDT/BTC>'],
    ['window * window', 'Q3002'],
    ['m.realized_vol(5m) ^ 2 / 5m', 'ratio'],
    ['window / 10s', 'ratio'],
    ['sqrt(30s)', 'ratio'],
    // powers and functions
    ['m.mid ^ 2', 'Q3010'],
    ['(m.mid / m.bid) ^ 2', 'ratio'],
    ['sqrt(m.mid)', 'Q3010'],
    ['ln(m.mid)', 'ratio'],
    ['exp(gamma)', 'ratio'],
    ['abs(position)', 'qty<BTC>'],
    ['max(m.bid, m.ask, m.mid)', 'price<USDT/BTC>'],
    ['max(spread, m.spread)', 'Q3001'],
    ['clamp(position / size, -1, 1)', 'ratio'],
    ['min(size, 2 BTC)', 'qty<BTC>'],
    ['round_tick(m.mid * 1.001, m)', 'price<USDT/BTC>'],
    ['round_tick(e.mid, m)', 'Q3006'],
    ['ewm_mean(m.mid, halflife: 10s)', 'price<USDT/BTC>'],
    ['ewm_mean(m.mid, halflife: 10)', 'Q3007'],
    ['rolling_max(m.spread, window)', 'price<USDT/BTC>'],
    ['beta(m, e, 1h)', 'ratio'],
    ['m.depth(10 bps)', 'qty<BTC>'],
    ['m.depth(5 * m.tick)', 'qty<BTC>'],
    ['m.depth(size)', 'Q3003'],
    ['m.bid_size(2)', 'qty<BTC>'],
    ['m.bid_size(1.5)', 'Q3011'],
    ['m.imbalance(3)', 'ratio'],
    ['m.vwap(1m)', 'price<USDT/BTC>'],
    ['m.inventory_value + e.inventory_value', 'notional<USDT>'],
    ['time_of_day > 13h30m', 'bool'],
    ['event("cpi") within 2m and m.spread > 0', 'bool'],
    ['if m.mid > m.vwap(1m) then m.bid else m.ask', 'price<USDT/BTC>'],
    ['if m.mid > m.vwap(1m) then m.bid else size', 'Q3001'],
    ['m.mid and true', 'Q3004'],
    ['not m.mid', 'Q3004'],
    ['"text"', 'Q3009'],
    ['5 %', 'bps'],
    ['5 s', 'Q2009'],
    ['3 btc', 'Q2009'],
    ['3 SOL', 'Q2009'],
  ])('%s → %s', (expr, expected) => {
    expect(typeOf(expr)).toBe(expected);
  });
});

describe('literal values in canonical units', () => {
  it('stores bps and % as fractions, durations in seconds', () => {
    const r = compile(`strategy "v" version 1 {
  market m = binance:"BTC/USDT"
  params {
    a = 3 bps
    b = 2.5 %
    c = 1h30m
    d = 500ms
    e = 0.5 BTC
  }
  signal s = a * m.mid + b * m.mid + c * m.spread + d * m.spread + e * 0 * m.mid / 1 BTC
  quote m { bid = m.bid ask = m.ask size = e }
  risk { position abs <= e -> halt }
}`, { file: 'v.quoin' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const values = Object.fromEntries((r.plan?.params ?? []).map((p) => [p.name, p.value]));
    expect(values).toEqual({ a: 0.0003, b: 0.025, c: 5400, d: 0.5, e: 0.5 });
    const display = Object.fromEntries((r.plan?.params ?? []).map((p) => [p.name, p.display]));
    expect(display).toEqual({ a: '3 bps', b: '2.5%', c: '1h30m', d: '500ms', e: '0.5 BTC' });
  });
});
