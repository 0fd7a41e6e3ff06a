// Sweep grids: the spec grammar, units converted as the compiler converts literals, approved bounds,
// whole numbers, the point order, and variant plans that equal what the compiler makes of the edited
// source.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planHash } from '../../../compiler/hash.js';
import { compile } from '../../../compiler/program.js';
import { describePoint, gridPoint, gridPoints, parseGrid, variantPlan, type SweepGrid } from '../../../runtime/backtest/sweep-grid.js';
import type { Plan } from '../../../schemas/index.js';
import { root } from '../../helpers.js';

function planOf(source: string): Plan {
  const r = compile(source, { file: 'test.quoin' });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.plan;
}

const source = `strategy "grid" version 1 {
  market m = binance:"BTC/USDT"
  params {
    gamma        = 0.1       in [0.01, 1]
    base_spread  = 8 bps     in [2 bps, 50 bps]
    band         = 0.5%      in [0.1%, 2%]
    horizon      = 30s       in [500ms, 1h]
    order_size   = 0.01 BTC  in [0.001 BTC, 0.1 BTC]
    max_position = 0.5 BTC   in [0.1 BTC, 1 BTC]
    budget       = 20000 USDT in [1000 USDT, 50000 USDT]
    levels       = 3         in [1, 8]
    skew         = 0.2
  }
  quote m {
    reservation = m.mid * (1 - position / max_position * gamma * skew * horizon / 30s)
    bid = reservation - base_spread * m.mid
    ask = reservation + base_spread * m.mid
    size = order_size
    ladder levels step band
  }
  risk {
    position abs <= max_position -> reduce_only
    notional <= budget -> reject
  }
}
`;
const plan = planOf(source);
const values = (g: SweepGrid, param: string): Array<number | boolean> => g.axes.find((a) => a.param === param)?.values.map((v) => v.value) ?? [];
const displays = (g: SweepGrid, param: string): string[] => g.axes.find((a) => a.param === param)?.values.map((v) => v.display) ?? [];

describe('parseGrid: values and units', () => {
  it('spaces a range evenly, ends included, and converts bps to fractions', () => {
    const g = parseGrid('gamma=0.05..0.5:10,base_spread=2bps..20bps:10', plan);
    expect(g.size).toBe(100);
    expect(values(g, 'gamma')).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]);
    expect(values(g, 'base_spread')).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((b) => b / 10_000));
    expect(displays(g, 'base_spread').slice(0, 3)).toEqual(['2 bps', '4 bps', '6 bps']);
  });

  it('spaces a log range geometrically', () => {
    const g = parseGrid('gamma=0.01..1:5:log', plan);
    expect(values(g, 'gamma')).toEqual([0.01, 0.03162, 0.1, 0.3162, 1]);
    expect(displays(parseGrid('gamma=0.01..1:4', plan), 'gamma')).toEqual(['0.01', '0.34', '0.67', '1']);
  });

  it('keeps 4 significant digits between the ends, more where 4 would merge points', () => {
    expect(displays(parseGrid('gamma=0.1..0.2:4', plan), 'gamma')).toEqual(['0.1', '0.1333', '0.1667', '0.2']);
    expect(displays(parseGrid('gamma=0.1..0.1001:3', plan), 'gamma')).toEqual(['0.1', '0.10005', '0.1001']);
    expect(parseGrid('gamma=0.100001..0.100003:3', plan).size).toBe(3);
  });

  it('reads %, durations in any unit, and asset amounts with or without a space', () => {
    const g = parseGrid('band=0.1%|0.25%|2%,horizon=500ms|1m|1h,order_size=0.005BTC|0.02 BTC,budget=5000 usdt', plan);
    expect(values(g, 'band')).toEqual([0.001, 0.0025, 0.02]);
    expect(displays(g, 'band')).toEqual(['0.1%', '0.25%', '2%']);
    expect(values(g, 'horizon')).toEqual([0.5, 60, 3600]);
    expect(displays(g, 'horizon')).toEqual(['500ms', '1m', '1h']);
    expect(values(g, 'order_size')).toEqual([0.005, 0.02]);
    expect(displays(g, 'order_size')).toEqual(['0.005 BTC', '0.02 BTC']);
    expect(displays(g, 'budget')).toEqual(['5000 USDT']);
  });

  it('steps a range in the unit it starts in', () => {
    const g = parseGrid('horizon=500ms..2s:4,base_spread=10bps..0.5%:5', plan);
    expect(displays(g, 'horizon')).toEqual(['500ms', '1000ms', '1500ms', '2000ms']);
    expect(values(g, 'horizon')).toEqual([0.5, 1, 1.5, 2]);
    expect(displays(g, 'base_spread')).toEqual(['10 bps', '20 bps', '30 bps', '40 bps', '50 bps']);
  });

  it('gives integer params whole numbers and runs each once', () => {
    const g = parseGrid('levels=1..8:10', plan);
    expect(values(g, 'levels')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseGrid('levels=1..8:5:log', plan).axes[0]?.values.map((v) => v.value)).toEqual([1, 2, 3, 5, 8]);
    expect(parseGrid('levels=2|2|3', plan).size).toBe(2);
    expect(() => parseGrid('levels=2.5|3', plan)).toThrow(/levels is a whole number \(a count\), so 2.5/);
  });

  it('sweeps params without bounds freely when nothing was derived from their value', () => {
    expect(values(parseGrid('skew=-1..1:3', plan), 'skew')).toEqual([-1, 0, 1]);
  });

  it('orders points with the first param varying slowest', () => {
    const g = parseGrid('gamma=0.1|0.2,levels=1|2|3', plan);
    expect(gridPoints(g).map((p) => describePoint(p.values))).toEqual([
      'gamma=0.1, levels=1', 'gamma=0.1, levels=2', 'gamma=0.1, levels=3',
      'gamma=0.2, levels=1', 'gamma=0.2, levels=2', 'gamma=0.2, levels=3',
    ]);
    expect(gridPoint(g, 4).values.levels?.value).toBe(2);
  });
});

describe('parseGrid: refusals', () => {
  it.each([
    ['gamma=0.05..1.5:4', /^gamma=0.05..1.5:4 goes outside its approved bounds \[0.01, 1\] in grid: 1.017, 1.5; sweeping outside approved bounds is refused/],
    ['base_spread=1bps..20bps:4', /base_spread=1bps..20bps:4 goes outside its approved bounds \[2 bps, 50 bps\] in grid: 1 bps;/],
    ['horizon=100ms|1s', /horizon=100ms\|1s goes outside its approved bounds \[500ms, 1h\] in grid: 100ms;/],
    ['order_size=0.2 BTC', /order_size=0.2 BTC goes outside its approved bounds \[0.001 BTC, 0.1 BTC\] in grid: 0.2 BTC;/],
    ['levels=0..9:10', /levels=0..9:10 goes outside its approved bounds \[1, 8\] in grid: 0, 9;/],
    ['gamma=0.001..0.005:5', /in grid: 0.001, 0.002, 0.003, … \(5 values\);/],
  ])('refuses values outside the approved bounds: %s', (spec, message) => {
    expect(() => parseGrid(spec, plan)).toThrow(message);
  });

  it.each([
    ['base_spread=2..20:10', /base_spread is in bps: '2' needs a unit \(2bps or 2%\)/],
    ['horizon=1..10:3', /horizon is a duration: '1' needs a unit; write a duration like 500ms/],
    ['order_size=0.01|0.02', /order_size is a quantity in BTC: '0.01' needs its unit; write an amount like 0.01 BTC/],
    ['budget=5000', /budget is a notional in USDT: '5000' needs its unit/],
  ])('refuses a bare number for a param with a unit, naming the param and the unit: %s', (spec, message) => {
    expect(() => parseGrid(spec, plan)).toThrow(message);
  });

  it.each([
    ['gamma=5bps', /gamma is a plain number; drop the unit bps/],
    ['base_spread=5 BTC', /base_spread is in bps, not BTC/],
    ['order_size=0.01 ETH', /order_size is a quantity in BTC, not ETH/],
    ['horizon=5bps', /horizon is a duration, not bps/],
    ['order_size=30s', /order_size is a quantity in BTC, not a duration/],
  ])('refuses a value in the wrong unit: %s', (spec, message) => {
    expect(() => parseGrid(spec, plan)).toThrow(message);
  });

  it('names an unknown param and suggests the nearest one', () => {
    expect(() => parseGrid('gama=0.1..0.5:3', plan)).toThrow(/grid has no param 'gama'; did you mean gamma\?/);
    expect(() => parseGrid('zzz=1|2', plan)).toThrow(/grid has no param 'zzz' \(params: gamma, base_spread, band/);
  });

  it.each([
    ['', /the grid is empty/],
    ['gamma', /needs the form name=lo..hi:n or name=a\|b\|c/],
    ['gamma=0.1..0.5', /a range reads lo..hi:n/],
    ['gamma=0.1..0.5:x', /the number of points must be a whole number, not 'x'/],
    ['gamma=0.1..0.5:1', /a range needs at least 2 points/],
    ['gamma=0.5..0.1:3', /a range runs from low to high \(write 0\.1\.\.0\.5:3\)/],
    ['gamma=0.2..0.2:3', /both ends are the same value: give it alone/],
    ['gamma=0.1..0.5:3:cubic', /the spacing is log or linear, not 'cubic'/],
    ['skew=-1..1:3:log', /log spacing needs both ends above 0/],
    ['gamma=0.1|0.2,gamma=0.3', /gamma appears twice in the grid/],
    ['gamma=0.1,,levels=2', /empty item/],
  ])('refuses a malformed grid %j', (spec, message) => {
    expect(() => parseGrid(spec, plan)).toThrow(message);
  });

  it('refuses grids above the cap unless the cap is raised', () => {
    const spec = 'gamma=0.01..1:101,skew=0..1:100';
    expect(() => parseGrid(spec, plan)).toThrow(/the grid has 10,100 points \(gamma 101 × skew 100\), more than the cap of 10,000; narrow it, or raise the cap with --max-points/);
    expect(parseGrid(spec, plan, { maxPoints: 10_100 }).size).toBe(10_100);
    expect(() => parseGrid('gamma=0.01..1:20000', plan)).toThrow(/20000 points is more than the cap/);
  });

  it('refuses a param without bounds whose value the compiler used for a worst case', () => {
    const p = planOf(source.replace('max_position = 0.5 BTC   in [0.1 BTC, 1 BTC]', 'max_position = 0.5 BTC'));
    expect(() => parseGrid('max_position=0.2 BTC|0.4 BTC', p)).toThrow(/max_position has no bounds, and the plan's worst case for risk rule risk\/0 \(position\) was computed from its value/);
    const q = planOf(source.replace('levels       = 3         in [1, 8]', 'levels = 3'));
    expect(() => parseGrid('levels=2|4', q)).toThrow(/levels has no bounds, and the ladder size on m \(maxLevels\)/);
  });

  it('refuses a param the compiler folded into fixed settings', () => {
    const p = planOf(source.replace('  quote m {', '  signal vol = m.realized_vol(window)\n  quote m {').replace('skew         = 0.2', 'skew = 0.2\n    window = 5m in [1m, 10m]').replace('* horizon / 30s)', '* horizon / 30s * vol)'));
    expect(() => parseGrid('window=1m|2m', p)).toThrow(/window has no effect on the plan as compiled: the compiler folded its value/);
  });
});

describe('variant plans', () => {
  it('sets values and display, re-hashes, and validates', () => {
    const g = parseGrid('gamma=0.3,base_spread=12bps', plan);
    const point = gridPoint(g, 0);
    const v = variantPlan(plan, point.values, planHash);
    expect(v.params.find((p) => p.name === 'gamma')).toMatchObject({ value: 0.3, display: '0.3' });
    expect(v.params.find((p) => p.name === 'base_spread')).toMatchObject({ value: 0.0012, display: '12 bps' });
    expect(v.hash).not.toBe(plan.hash);
    expect(v.hash).toBe(planHash(v));
    // The base plan is untouched.
    expect(plan.params.find((p) => p.name === 'gamma')?.value).toBe(0.1);
  });

  it('is the plan the compiler makes of the source with the value written in', () => {
    const file = 'rulesets/pure-symmetric.quoin';
    const text = readFileSync(path.join(root, file), 'utf8');
    const base = planOf(text);
    for (const [spec, written] of [['half_spread=7bps', 'half_spread  = 7 bps'], ['half_spread=0.25%', 'half_spread  = 0.25%'], ['order_size=0.05BTC', 'order_size   = 0.05 BTC']] as const) {
      const v = variantPlan(base, gridPoint(parseGrid(spec, base), 0).values, planHash);
      const name = spec.split('=')[0] ?? '';
      const edited = text.replace(new RegExp(`${name}\\s+= [^\\n]*?(?=\\s+in \\[)`), written);
      expect(planOf(edited).hash).toBe(v.hash);
    }
  });
});
