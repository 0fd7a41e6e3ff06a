import { describe, expect, it } from 'vitest';
import * as T from '../../dsl/tokens.js';
import { tokenizeLine, type LineToken } from '../../editor/src/language/highlight.js';
import { languageConfiguration } from '../../editor/src/language/configuration.js';
import { templates } from '../helpers.js';

const scopeAt = (tokens: LineToken[], line: string, text: string, from = 0): string | undefined => {
  const col = line.indexOf(text, from);
  return [...tokens].reverse().find((t) => t.startIndex <= col)?.scope;
};

describe('highlighting from the lexer', () => {
  it('classifies every reserved word of dsl/tokens.ts as a keyword', () => {
    expect(T.tokenClasses.keywords.length).toBeGreaterThan(30);
    for (const word of T.tokenClasses.keywords) {
      const toks = tokenizeLine(word);
      expect(toks, word).toHaveLength(1);
      expect(toks[0]?.scope.startsWith('keyword'), word).toBe(true);
    }
  });

  it('classifies every contextual word as a keyword in clause position', () => {
    for (const word of T.tokenClasses.contextualKeywords) {
      const toks = tokenizeLine(word);
      expect(toks[0]?.scope.startsWith('keyword'), word).toBe(true);
    }
  });

  it('gives risk actions their own keyword class', () => {
    for (const word of T.tokenClasses.riskActions) expect(tokenizeLine(word)[0]?.scope).toBe('keyword.flow');
  });

  it('does not take keywords inside longer names', () => {
    for (const name of ['index', 'orders_max', 'notional_cap', 'stress_level', 'fairly']) {
      expect(tokenizeLine(name).map((t) => t.scope), name).toEqual(['identifier']);
    }
  });

  it('classifies numbers, units, durations, strings, comments, operators and fields', () => {
    const line = '    base_spread = 8 bps in [2 bps, 5%] + m.mid * 0.01 BTC - 500ms   # half "spread"';
    const toks = tokenizeLine(line);
    expect(scopeAt(toks, line, 'base_spread')).toBe('identifier');
    expect(scopeAt(toks, line, '=')).toBe('operator');
    expect(scopeAt(toks, line, '8')).toBe('number');
    expect(scopeAt(toks, line, 'bps')).toBe('type.unit');
    expect(scopeAt(toks, line, 'in')).toBe('keyword');
    expect(scopeAt(toks, line, '[')).toBe('delimiter.bracket');
    expect(scopeAt(toks, line, '%')).toBe('type.unit');
    expect(scopeAt(toks, line, 'mid')).toBe('variable.member');
    expect(scopeAt(toks, line, 'BTC')).toBe('type.unit');
    expect(scopeAt(toks, line, '500ms')).toBe('number.duration');
    expect(scopeAt(toks, line, '#')).toBe('comment');
    // The quote inside the comment is comment, not a string.
    expect(scopeAt(toks, line, '"spread"')).toBe('comment');
    expect(tokenizeLine('  market m = binance:"BTC/USDT"').some((t) => t.scope === 'string')).toBe(true);
  });

  it('colours built-in functions, and contextual words used as calls', () => {
    const line = 'signal v = ewm_stdev(returns(m.mid), halflife: 60s) + abs(position)';
    const toks = tokenizeLine(line);
    expect(scopeAt(toks, line, 'ewm_stdev')).toBe('variable.predefined');
    expect(scopeAt(toks, line, 'returns')).toBe('variable.predefined');
    expect(scopeAt(toks, line, 'abs')).toBe('variable.predefined');
    expect(scopeAt(toks, line, 'signal')).toBe('keyword');
  });

  it('marks characters outside the language as invalid', () => {
    const line = 'signal s = m.mid @ 2 // no';
    const toks = tokenizeLine(line);
    expect(scopeAt(toks, line, '@')).toBe('invalid');
    expect(scopeAt(toks, line, '//')).toBe('invalid');
  });

  it('tokenizes every line of every shipped rule set, covering the line from column 0', () => {
    for (const t of templates()) {
      for (const line of t.source.split('\n')) {
        const toks = tokenizeLine(line);
        if (line.length === 0) continue;
        expect(toks[0]?.startIndex).toBe(0);
        for (let i = 1; i < toks.length; i++) expect((toks[i]?.startIndex ?? 0) > (toks[i - 1]?.startIndex ?? 0)).toBe(true);
        expect(toks.some((x) => x.scope === 'invalid'), `${t.name}: ${line}`).toBe(false);
      }
    }
  });

  it('configures # comments and brace indentation', () => {
    expect(languageConfiguration.comments.lineComment).toBe('#');
    expect(languageConfiguration.indentationRules.increaseIndentPattern.test('  quote m {')).toBe(true);
    expect(languageConfiguration.indentationRules.increaseIndentPattern.test('  params {   # the knobs')).toBe(true);
    expect(languageConfiguration.indentationRules.increaseIndentPattern.test('  scenario x when a > b { pause }')).toBe(false);
    expect(languageConfiguration.indentationRules.decreaseIndentPattern.test('  }')).toBe(true);
  });
});
