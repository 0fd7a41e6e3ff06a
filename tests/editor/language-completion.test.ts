import { describe, expect, it } from 'vitest';
import { completionsAt } from '../../editor/src/language/completion.js';
import { definitionAt, hoverAt } from '../../editor/src/language/navigation.js';
import { templates } from '../helpers.js';

const source = templates().find((t) => t.name === 'multi-scenario')?.source ?? '';

/** Text with the cursor at `|`. */
function at(textWithCursor: string): [string, number] {
  const offset = textWithCursor.indexOf('|');
  return [textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset];
}
/** The source with `insert` (containing `|`) placed just before `anchor`. */
function insertBefore(anchor: string, insert: string): [string, number] {
  const i = source.indexOf(anchor);
  if (i < 0) throw new Error(`no ${anchor}`);
  return at(source.slice(0, i) + insert + source.slice(i));
}
const labels = (text: string, offset: number): string[] => completionsAt(text, offset).items.map((i) => i.label);
const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

describe('completion', () => {
  it('offers built-in functions with signature, units and a snippet', () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  signal x = ewm|\n');
    const result = completionsAt(text, offset);
    const ewm = result.items.find((i) => i.label === 'ewm_mean');
    expect(ewm?.kind).toBe('function');
    expect(ewm?.detail).toBe('ewm_mean(x: T, halflife: duration) → T');
    expect(ewm?.documentation).toContain('a duration');
    expect(ewm?.snippet).toBe(true);
    expect(ewm?.insertText).toBe('ewm_mean(${1:x}, halflife: ${2:60s})');
    expect(result.replaceStart).toBe(offset - 'ewm'.length);
  });

  it("offers the file's params and signals with their units in expressions", () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  signal x = |\n');
    const items = completionsAt(text, offset).items;
    const spread = items.find((i) => i.label === 'base_spread');
    expect(spread?.kind).toBe('param');
    expect(spread?.detail).toBe('param: bps');
    expect(items.find((i) => i.label === 'vol')?.kind).toBe('signal');
    expect(items.find((i) => i.label === 'm')?.kind).toBe('market');
    // Expression starters from the grammar; block keywords are not valid here.
    expect(items.filter((i) => i.kind === 'keyword').map((i) => i.label)).toEqual(expect.arrayContaining(['if', 'not', 'event', 'true', 'false']));
    expect(items.some((i) => i.label === 'params')).toBe(false);
  });

  it('offers market fields after alias.', () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  signal x = m.|\n');
    const items = completionsAt(text, offset).items;
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['mid', 'microprice', 'bid', 'depth', 'vwap', 'position']));
    expect(items.every((i) => i.kind === 'field')).toBe(true);
    const depth = items.find((i) => i.label === 'depth');
    expect(depth?.insertText).toBe('depth(${1:within})');
    expect(depth?.detail).toContain('USDT per BTC');
  });

  it('offers units after a number, and duration suffixes right after digits', () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  signal x = m.spread > 5 |\n');
    expect(labels(text, offset)).toEqual(expect.arrayContaining(['bps', '%', 'BTC', 'USDT']));
    const [t2, o2] = insertBefore('  fair = m.microprice', '  signal x = ewm_mean(m.mid, halflife: 5|\n');
    expect(labels(t2, o2)).toEqual(['5ms', '5s', '5m', '5h', '5d']);
  });

  it('offers the block keywords between top-level items', () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  |\n');
    expect(labels(text, offset)).toEqual(expect.arrayContaining(['market', 'params', 'signal', 'scenario', 'quote', 'risk', 'hedge', 'adapt', 'stress', 'fair']));
  });

  it('offers the clauses of a quote block and of a risk block', () => {
    const [text, offset] = insertBefore('    min_interval 100ms', '    |\n');
    expect(labels(text, offset)).toEqual(expect.arrayContaining(['ladder', 'refresh', 'min_interval', 'smooth']));
    expect(labels(text, offset)).toEqual(expect.arrayContaining(['half', 'base_spread']));
    const [t2, o2] = insertBefore('    loss daily', '    |\n');
    expect(labels(t2, o2)).toEqual(expect.arrayContaining(['position', 'notional', 'loss', 'drawdown', 'orders', 'price', 'when']));
    const [t3, o3] = insertBefore('    loss daily', '    position abs <= max_position -> |\n');
    expect(labels(t3, o3).sort()).toEqual(['cancel_all', 'halt', 'reduce_only', 'reject', 'throttle']);
  });

  it('offers only market aliases after quote', () => {
    const [text, offset] = at('strategy "s" version 1 {\n  market btc = binance:"BTC/USDT"\n  quote |\n}\n');
    expect(labels(text, offset)).toEqual(['btc']);
  });

  it('offers named arguments inside a call', () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  signal x = ewm_mean(m.mid, |\n');
    expect(labels(text, offset)).toContain('halflife:');
  });

  it('offers nothing inside comments and strings', () => {
    const [text, offset] = insertBefore('  fair = m.microprice', '  # ewm|\n');
    expect(completionsAt(text, offset).items).toEqual([]);
    const [t2, o2] = at('strategy "ab|c" version 1 {\n}\n');
    expect(completionsAt(t2, o2).items).toEqual([]);
  });

  it('works on a half-typed file with syntax errors', () => {
    const [text, offset] = at('strategy "s" version 1 {\n  market m = binance:"BTC/USDT"\n  params {\n    gamma = 0.5\n  }\n  signal v = (gam|\n');
    expect(labels(text, offset)).toContain('gamma');
  });
});

describe('hover', () => {
  it('documents built-ins with signature, units and description', () => {
    const offset = source.indexOf('ewm_stdev') + 3;
    const h = hoverAt(source, offset);
    expect(h?.markdown).toContain('ewm_stdev(x: T, halflife: duration) → T');
    expect(h?.markdown).toContain('standard deviation');
    expect(h?.range).toEqual({ start: source.indexOf('ewm_stdev'), end: source.indexOf('ewm_stdev') + 'ewm_stdev'.length });
  });

  it('documents market fields with the market they read', () => {
    const offset = source.indexOf('m.microprice') + 4;
    const h = hoverAt(source, offset);
    expect(h?.markdown).toContain('m.microprice → price');
    expect(h?.markdown).toContain('binance:"BTC/USDT"');
  });

  it('shows a param\'s value, unit, bounds and comment', () => {
    const text = templates().find((t) => t.name === 'avellaneda-stoikov')?.source ?? '';
    const use = text.indexOf('q * gamma') + 5;
    const h = hoverAt(text, use);
    expect(h?.markdown).toContain('param gamma = 0.5 in [0.01, 5]');
    expect(h?.markdown).toContain('Unit: a plain number');
    expect(h?.markdown).toContain('risk aversion');
    const size = hoverAt(text, text.indexOf('size        = order_size') + 'size        = '.length + 2);
    expect(size?.markdown).toContain('param order_size = 0.01 BTC in [0.001 BTC, 0.1 BTC]');
    expect(size?.markdown).toContain('a quantity (BTC)');
  });

  it('shows a signal\'s definition and unit', () => {
    const h = hoverAt(source, source.indexOf('vol > 3') + 1);
    expect(h?.markdown).toContain('signal vol = ewm_stdev(returns(m.mid), halflife: 30s)');
    expect(h?.markdown).toContain('a plain number');
  });
});

describe('go to definition', () => {
  it('goes from a param use to its declaration line', () => {
    const use = source.indexOf('order_size', source.indexOf('quote m {'));
    const def = definitionAt(source, use + 2);
    const declLine = source.split('\n').findIndex((l) => l.trimStart().startsWith('order_size')) + 1;
    expect(def && lineOf(source, def.start)).toBe(declLine);
    expect(def && source.slice(def.start, def.end)).toBe('order_size');
  });

  it('goes from a signal use to its declaration, and from a market alias to its market line', () => {
    const use = source.indexOf('baseline(vol') + 'baseline('.length;
    const def = definitionAt(source, use);
    expect(def && source.slice(def.start - 'signal '.length, def.end)).toBe('signal vol');
    const alias = definitionAt(source, source.indexOf('m.microprice'));
    expect(alias && lineOf(source, alias.start)).toBe(source.split('\n').findIndex((l) => l.includes('market m =')) + 1);
  });

  it('resolves a quote binding inside its quote block, and nothing for built-ins', () => {
    const use = source.indexOf('fair - half') + 'fair - '.length;
    const def = definitionAt(source, use);
    expect(def && source.slice(def.start, def.end)).toBe('half');
    expect(def && source.slice(def.start, def.start + 'half = max'.length)).toBe('half = max');
    expect(definitionAt(source, source.indexOf('ewm_stdev'))).toBeUndefined();
    expect(definitionAt(source, source.indexOf('m.mid') + 3)).toBeUndefined();
  });
});
