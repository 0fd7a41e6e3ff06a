// Syntax error messages a trader can act on. chevrotain tells us what it expected and what it found;
// we rephrase that in terms of the clause being written ("expected a duration like 500ms after
// min_interval") rather than token names.
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { EOF } from 'chevrotain';

/** What may follow a word, phrased for the author. Keyed by the previous token's text. */
const expectedAfter: Record<string, string> = {
  strategy: 'a strategy name in quotes, like "btc-usdt-mm"',
  version: 'a version number like 3',
  market: 'a market alias like m',
  signal: 'a signal name like vol',
  scenario: 'a scenario name like high_vol',
  quote: 'the alias of a declared market, like m',
  min_interval: 'a duration like 500ms',
  every: 'a duration like 5s',
  for: 'a duration like 30s',
  hold: 'a duration like 60s',
  per: 'a duration like 1s',
  ema: 'a duration like 500ms (the smoothing half-life)',
  smooth: "'ema' and a half-life, like: smooth ema 500ms",
  ladder: 'a number of levels, like 3',
  step: 'a level step like 4 bps',
  moved: "'>' and a tolerance, like: moved > 1 bps",
  within: 'a distance like 50 bps or a duration like 2m',
  of: 'a reference price like m.mid',
  on: 'the alias of the hedge market',
  ratio: 'a hedge ratio like 1 or beta(m, h, 1h)',
  target: 'a target position like 0',
  via: "'taker' or 'maker'",
  toward: 'the value to adapt toward',
  adapt: 'the name of a param to adapt',
  in: 'bounds like [2 bps, 50 bps]',
  '->': 'a risk action: reject, throttle, reduce_only, halt or cancel_all',
  '=': 'a value or formula',
  '<=': 'a limit',
  when: 'a condition',
  exit: "'when' and a condition",
  ':': 'a value',
  ',': 'a value',
  '(': 'a value',
  '[': 'a value',
};

/** What a block may contain, for errors where none of its clauses matched. */
const blockContents: Record<string, string> = {
  file: 'a block: market, params, signal, fair, scenario, quote, risk, hedge, adapt or stress',
  item: 'a block: market, params, signal, fair, scenario, quote, risk, hedge, adapt or stress',
  stressBlock: 'a stress scenario name like flash_crash',
  riskBlock: 'a risk rule: position, notional, loss, drawdown, orders, price or when',
  quoteBlock: 'a quote entry: bid = …, ask = …, size = …, ladder, refresh, min_interval or smooth',
  paramsBlock: 'a param like: base_spread = 8 bps in [2 bps, 50 bps]',
  scenarioDecl: 'an override like base_spread = 20 bps, pause or reduce_only',
  hedgeRule: 'a hedge clause: on, ratio, target, via or slippage',
  marketDecl: 'a market option like tick = 0.1',
  refreshClause: "'when moved > …' or 'every …'",
  actionClause: 'a risk action: reject, throttle, reduce_only, halt or cancel_all',
};

const operators = new Set(['+', '-', '*', '/', '^', 'and', 'or', '<', '<=', '>', '>=', '==', '!=']);

const expressionRules = new Set(['expression', 'ifExpr', 'chain', 'additive', 'operand', 'postfix', 'primary', 'amount', 'argument', 'callArgs']);

export function describeToken(tok: IToken | undefined): string {
  if (!tok || tok.tokenType === EOF) return 'the end of the file';
  const text = tok.image.length > 24 ? `${tok.image.slice(0, 24)}…` : tok.image;
  return `'${text}'`;
}

function labelOf(t: TokenType): string {
  if (t === EOF) return 'the end of the file';
  return t.LABEL ?? t.name;
}

function listOf(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  if (unique.length > 6) return `${unique.slice(0, 6).join(', ')} or …`;
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function hintAfter(previous: IToken | undefined): string | undefined {
  if (!previous || previous.tokenType === EOF) return undefined;
  return expectedAfter[previous.image];
}

export const syntaxMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const found = describeToken(actual);
    if (operators.has(actual.image) && actual.tokenType !== EOF) {
      return `'${actual.image}' needs a value on its right; the expression before it ends here`;
    }
    if (expected.name === 'RBrace') {
      const contents = blockContents[ruleName];
      if (contents) return `expected ${contents}, or '}' to close the block, but found ${found}`;
    }
    const hint = hintAfter(previous);
    if (hint && previous) return `expected ${hint} after ${previous.image}, but found ${found}`;
    return `expected ${labelOf(expected)} but found ${found}`;
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)} after the end of the strategy: everything must sit inside strategy "…" version N { … }`;
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const found = describeToken(actual[0]);
    const hint = hintAfter(previous);
    if (hint && previous) return `expected ${hint} after ${previous.image}, but found ${found}`;
    if (expressionRules.has(ruleName)) return `expected a value (a number, a name, or a formula in parentheses) but found ${found}`;
    const contents = blockContents[ruleName];
    if (contents) return `expected ${contents}, but found ${found}`;
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => (path[0] ? labelOf(path[0]) : '')));
    return `expected ${listOf(firsts.filter(Boolean))} but found ${found}`;
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, previous }) {
    const found = describeToken(actual[0]);
    const hint = hintAfter(previous);
    if (hint && previous) return `expected ${hint} after ${previous.image}, but found ${found}`;
    const firsts = expectedIterationPaths.map((path) => (path[0] ? labelOf(path[0]) : ''));
    return `expected at least one ${listOf(firsts.filter(Boolean))} but found ${found}`;
  },
};
