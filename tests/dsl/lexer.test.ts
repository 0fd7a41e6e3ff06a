import { describe, expect, it } from 'vitest';
import { Lexer } from 'chevrotain';
import * as T from '../../dsl/tokens.js';
import { parse } from '../../dsl/parse.js';

const lexer = new Lexer(T.allTokens, { positionTracking: 'onlyOffset' });
const kinds = (text: string): string[] => lexer.tokenize(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

describe('lexer', () => {
  it('lexes every keyword as itself', () => {
    for (const t of [...T.reservedWords, ...T.contextualWords]) {
      const word = (t.PATTERN as RegExp).source;
      expect(kinds(word), word).toEqual([`${t.name}:${word}`]);
    }
  });

  it('never splits a longer name at a keyword prefix', () => {
    // or/orders, not/notional, in/inventory_value, on/one, if/iff: longest word wins.
    expect(kinds('orders notional inventory_value one iff pausex market_maker')).toEqual([
      'Orders:orders', 'Notional:notional', 'Identifier:inventory_value', 'Identifier:one', 'Identifier:iff', 'Identifier:pausex', 'Identifier:market_maker',
    ]);
  });

  it('reads durations as one token and never a number followed by a unit', () => {
    expect(kinds('500ms 5s 2m 1h30m 1.5h 3d')).toEqual(['Duration:500ms', 'Duration:5s', 'Duration:2m', 'Duration:1h30m', 'Duration:1.5h', 'Duration:3d']);
    // `2 m` is a number and a name (a market called m), `2mid` is not a duration.
    expect(kinds('2 m')).toEqual(['NumberLiteral:2', 'Identifier:m']);
    expect(kinds('2mid')).toEqual(['NumberLiteral:2', 'Identifier:mid']);
  });

  it('reads numbers, strings, operators and comments', () => {
    expect(kinds('1e-3 0.25 "BTC/USDT" -> <= >= == != ^ % # a comment\nx')).toEqual([
      'NumberLiteral:1e-3', 'NumberLiteral:0.25', 'StringLiteral:"BTC/USDT"', 'Arrow:->', 'LessEq:<=', 'GreaterEq:>=', 'EqEq:==', 'NotEq:!=', 'Caret:^', 'Percent:%', 'Identifier:x',
    ]);
  });

  it('groups characters the language does not use instead of failing on them', () => {
    const r = lexer.tokenize('a @$ b ! c\u0000\u2028');
    expect(r.errors).toEqual([]);
    expect(r.groups.invalid?.map((t) => t.image)).toEqual(['@$', '!', '\u0000\u2028']);
  });

  it('reports an unterminated string once, at its start', () => {
    const { diagnostics } = parse('strategy "oops version 1 {\n}\n', 'x.quoin');
    const q1007 = diagnostics.filter((d) => d.code === 'Q1007');
    expect(q1007).toHaveLength(1);
    expect(q1007[0]?.range.start).toEqual({ line: 1, col: 10, offset: 9 });
  });

  it('reports unexpected characters with their position and a hint for // comments', () => {
    const { diagnostics } = parse('strategy "x" version 1 {\n  // note\n}\n', 'x.quoin');
    expect(diagnostics[0]).toMatchObject({ code: 'Q1001', range: { start: { line: 2, col: 3 } } });
    expect(diagnostics[0]?.message).toBe('comments start with #, not //');
    expect(diagnostics).toHaveLength(1);
  });
});
