import { describe, expect, it } from 'vitest';
import type { Expr } from '../../dsl/ast.js';
import { parse } from '../../dsl/parse.js';
import { QuoinParser } from '../../dsl/parser.js';
import { formatDiagnostic } from '../../dsl/diagnostics.js';
import { printExpr } from '../../dsl/print.js';

/** Parses `signal s = <expr>` and prints the expression fully parenthesised. */
function show(expr: string): string {
  const { ast, diagnostics } = parse(`strategy "t" version 1 { signal s = ${expr} }`, 't.quoin');
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const item = ast?.items[0];
  if (item?.kind !== 'signal') throw new Error('no signal');
  return print(item.value);
}

function print(e: Expr): string {
  switch (e.kind) {
    case 'number': return e.unit ? `${e.text}${e.unit.name === '%' ? '%' : ` ${e.unit.name}`}` : e.text;
    case 'duration': return e.text;
    case 'bool': return String(e.value);
    case 'string': return JSON.stringify(e.value);
    case 'name': return e.name;
    case 'member': return `${e.object.name}.${e.member.name}`;
    case 'call': {
      const callee = e.callee.kind === 'method' ? `${e.callee.object.name}.${e.callee.member.name}` : e.callee.name.name;
      return `${callee}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : '') + print(a.value)).join(', ')})`;
    }
    case 'unary': return e.op === 'not' ? `(not ${print(e.operand)})` : `(-${print(e.operand)})`;
    case 'binary': return `(${print(e.left)} ${e.op} ${print(e.right)})`;
    case 'if': return `(if ${print(e.cond)} then ${print(e.then)} else ${print(e.else)})`;
    case 'event': return `event(${JSON.stringify(e.name)}) within ${print(e.within)}`;
    case 'paren': return print(e.inner);
    case 'error': return '<error>';
  }
}

describe('grammar', () => {
  it('passes chevrotain\'s grammar validation (no ambiguity, no left recursion)', () => {
    expect(() => new QuoinParser({ validate: true })).not.toThrow();
  });
});

describe('precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-x ^ 2', '(-(x ^ 2))'],
    ['2 ^ -1', '(2 ^ (-1))'],
    ['a < b and c > d or e == f', '(((a < b) and (c > d)) or (e == f))'],
    ['not a and b', '((not a) and b)'],
    ['not x > 1', '(not (x > 1))'],
    ['a + b > c * 2', '((a + b) > (c * 2))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['if a > 1 then x else y + 1', '(if (a > 1) then x else (y + 1))'],
    ['m.mid * (1 - q * 2 bps)', '(m.mid * (1 - (q * 2 bps)))'],
    ['ewm_stdev(returns(m.mid), halflife: 60s)', 'ewm_stdev(returns(m.mid), halflife: 60s)'],
    ['m.depth(10 bps) < 2 BTC', '(m.depth(10 bps) < 2 BTC)'],
    ['event("cpi") within 2m or x', '(event("cpi") within 2m or x)'],
    ['5%', '5%'],
  ])('%s', (src, expected) => {
    expect(show(src)).toBe(expected);
  });

  it('keeps a number at the end of a line from taking the next line\'s name as its unit', () => {
    const { ast } = parse('strategy "t" version 1 {\n params {\n levels = 3\n level_step = 4 bps\n }\n}', 't.quoin');
    const params = ast?.items[0];
    if (params?.kind !== 'params') throw new Error('no params');
    expect(params.params.map((p) => `${p.name.name}=${print(p.value)}`)).toEqual(['levels=3', 'level_step=4 bps']);
  });
});

describe('syntax errors', () => {
  const src = [
    'strategy "t" version 1 {',
    '  market m = binance:"BTC/USDT"',
    '  signal a m.mid',
    '  quote m {',
    '    bid = m.bid',
    '    min_interval',
    '  }',
    '  risk {',
    '    position abs <= 1 BTC -> stop',
    '  }',
    '}',
  ].join('\n');

  it('reports every syntax error of a file in one pass, each with file:line:col and an actionable message', () => {
    const lines = parse(src, 'bad.quoin').diagnostics.map(formatDiagnostic);
    expect(lines).toEqual([
      "bad.quoin:3:12: error: expected '=' but found 'm' [Q1002]",
      "bad.quoin:7:3: error: expected a duration like 500ms after min_interval, but found '}' [Q1003]",
      "bad.quoin:9:30: error: expected a risk action: reject, throttle, reduce_only, halt or cancel_all after ->, but found 'stop' [Q1003]",
    ]);
  });

  it('names the missing closing brace at the end of the file', () => {
    const lines = parse('strategy "t" version 1 {\n  market m = binance:"BTC/USDT"\n', 'eof.quoin').diagnostics.map(formatDiagnostic);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^eof\.quoin:3:1: error: expected a block: .* or '}' to close the block, but found the end of the file \[Q1002\]$/);
  });

  it('stops at nesting that would exhaust the stack, keeping earlier errors', () => {
    const deep = `strategy "t" version 1 { signal @ \n signal s = ${'('.repeat(100)}1${')'.repeat(100)} }`;
    const codes = parse(deep, 'deep.quoin').diagnostics.map((d) => d.code);
    expect(codes).toContain('Q1001');
    expect(codes).toContain('Q1005');
  });
});

describe('printing expressions back (printExpr)', () => {
  it.each([
    ['1 + 2 * 3'],
    ['(1 + 2) * 3'],
    ['1 - (2 - 3)'],
    ['(2 ^ 3) ^ 2'],
    ['-(x ^ 2)'],
    ['(-x) ^ 2'],
    ['not (a and b) or c'],
    ['(if a > 1 then x else y) + 1'],
    ['ewm_stdev(returns(m.mid), halflife: 60s) * m.depth(10 bps) / 5%'],
    ['event("cpi") within 2m and m.spread > 0.5 BTC'],
  ])('%s keeps its meaning and reaches a fixed point', (src) => {
    const once = printed(src);
    expect(show(once)).toBe(show(src));
    expect(printed(once)).toBe(once);
  });
});

function printed(expr: string): string {
  const { ast } = parse(`strategy "t" version 1 { signal s = ${expr} }`, 't.quoin');
  const item = ast?.items[0];
  if (item?.kind !== 'signal') throw new Error('no signal');
  return printExpr(item.value);
}

describe('the two parsers', () => {
  it('build the same AST for every template and generated rule sets of every size, and the fast one reads them all', async () => {
    const { parse } = await import('../../dsl/parse.js');
    const { generateRuleset } = await import('../../bench/generate-ruleset.js');
    const { templates } = await import('../helpers.js');
    const sources = [...templates().map((t) => t.source), ...[1, 10, 50, 200, 1000, 5000].map(generateRuleset)];
    for (const source of sources) {
      const fast = parse(source, 'x.quoin');
      const slow = parse(source, 'x.quoin', { parser: 'recovering' });
      expect(fast.ast).toBeDefined();
      expect(JSON.stringify(fast.ast)).toBe(JSON.stringify(slow.ast));
      expect(fast.diagnostics).toEqual(slow.diagnostics);
    }
  });
});
