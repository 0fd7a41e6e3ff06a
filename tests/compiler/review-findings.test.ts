// Mistakes found by reviewing the compiler against its documentation; each must stay fixed.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';

const wrap = (body: string, params = 'e2 = 2\n lv = 2.5\n base_spread = 8 bps\n level_step = 2 bps\n order_size = 0.01 BTC\n max_position = 0.5 BTC\n d = 100ms'): string => `strategy "t" version 1 {
  market m = binance:"BTC/USDT"
  params { ${params} }
  quote m { bid = m.bid ask = m.ask size = order_size }
  risk { position abs <= max_position -> halt }
${body}
}`;

function errors(src: string): string[] {
  return compile(src, { file: 't.quoin' }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

describe('review findings', () => {
  it.each([
    ['a fair value depending on itself is Q2008, not a crash', wrap('fair = fair'), ['Q2008']],
    ['…also through a signal', wrap('signal s = fair\n fair = s'), ['Q2008']],
    ['a fractional version is Q4015', wrap('').replace('version 1', 'version 1.5'), ['Q4015']],
    ['an empty name is Q4015', wrap('').replace('"t"', '""'), ['Q4015']],
    ['arithmetic on true/false is refused', wrap('signal both = (m.mid > m.bid) + (m.ask > m.bid)\n scenario s when both > 1 { pause }'), ['Q3002']],
    ['bps ÷ bps is a plain number', wrap('scenario wide when base_spread / level_step > 3 { pause }'), []],
    ['a market may not reuse an earlier param name', wrap('market e2 = binance:"ETH/USDT"'), ['Q2002']],
    ['ladder levels are checked as whole numbers through expressions', wrap('').replace('size = order_size }', 'size = order_size ladder lv + 1 step 1 bps }'), ['Q3011']],
    ['a book level must be fixed', wrap('signal s = m.bid(m.imbalance)'), ['Q3005']],
    ['order-rate limits are counts, not bps', wrap('').replace('risk { position', 'risk { orders <= 20 bps per 1s -> throttle\n position'), ['Q3003']],
    ['bare numbers as bounds of a bps param need units', wrap('', 'a = 5 bps in [1, 10]\n order_size = 0.01 BTC\n max_position = 0.5 BTC'), ['Q3007', 'Q3007']],
    ['a scenario may not take a limit to 0', wrap('scenario z when m.spread > 0 { max_position = 0 BTC }', 'order_size = 0.01 BTC\n max_position = 0.5 BTC in [0 BTC, 1 BTC]'), ['Q4008']],
    ['quote bindings may not take built-in names', wrap('').replace('quote m { bid = m.bid', 'quote m { abs = m.bid moved = m.ask bid = m.bid'), ['Q2007', 'Q2007']],
    ['stray semicolons are fine everywhere', wrap('').replace('params { e2', 'params { ; e2'), []],
    ['comparisons do not chain, with one clear error', wrap('scenario s when 1 bps < 2 bps < 3 bps { pause }'), ['Q1002']],
    ['a market alias may not be a clause word', wrap('market long = binance:"ETH/USDT"'), ['Q2007']],
    ['adapt rate accepts a percentage', wrap('adapt base_spread toward m.spread / m.mid within its bounds every 30s rate 25%', 'base_spread = 8 bps in [2 bps, 20 bps]\n order_size = 0.01 BTC\n max_position = 0.5 BTC'), []],
  ])('%s', (_name, src, expected) => {
    expect(errors(src)).toEqual(expected);
  });

  it('a limit made with if gets a worst case (the hull of both branches)', () => {
    const r = compile(wrap('', 'order_size = 0.01 BTC\n max_position = 0.5 BTC\n k = 1').replace('position abs <= max_position', 'position abs <= if k > 0 then max_position else 1 BTC'), { file: 't.quoin' });
    expect(r.plan?.risk[0]?.worstCase).toBe(1);
  });

  it('bare pnl is in the first market\'s currency everywhere', () => {
    const r = compile(`strategy "t" version 1 {
  market m = binance:"BTC/USDT"
  market x = okx:"ETH/BTC" { tick = 0.00001 lot = 0.001 }
  signal total = pnl
  quote x { bid = x.bid ask = x.ask size = 0.1 ETH s = pnl > total }
  risk { position x abs <= 1 ETH -> halt
  position m abs <= 1 BTC -> halt }
}`, { file: 't.quoin' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
