// The Quoin vocabulary: every token type, in the order the lexer tries them.
// The editor's syntax highlighting is generated from `tokenClasses` below, so this file is the one
// source of truth for what a keyword is.
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** Reserved words: never usable as names. */
function keyword(word: string, name: string = word.charAt(0).toUpperCase() + word.slice(1)): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
}
/**
 * Contextual words: keywords only where a clause expects them (`position abs <= …`), names elsewhere,
 * so `abs(x)` and a param called `target` keep working.
 */
function softKeyword(word: string, name: string): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, categories: [Identifier], label: `'${word}'` });
}

// Punctuation and operators. Binary operators belong to a category so the parser can take "any
// binary operator" in one lookahead test (the expression grammar is flat; see parser.ts).
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
export const ArithmeticOperator = createToken({ name: 'ArithmeticOperator', pattern: Lexer.NA, categories: [BinaryOperator], label: 'an arithmetic operator' });

// Reserved words.
export const Strategy = keyword('strategy');
export const Version = keyword('version');
export const Market = keyword('market');
export const Params = keyword('params');
export const Signal = keyword('signal');
export const Scenario = keyword('scenario');
export const When = keyword('when');
export const Exit = keyword('exit');
export const Quote = keyword('quote');
export const Risk = keyword('risk');
export const Hedge = keyword('hedge');
export const Adapt = keyword('adapt');
export const Stress = keyword('stress');
export const Ladder = keyword('ladder');
export const Refresh = keyword('refresh');
export const MinInterval = keyword('min_interval', 'MinInterval');
export const Smooth = keyword('smooth');
export const In = keyword('in');
export const And = createToken({ name: 'And', pattern: /and/, longer_alt: Identifier, label: "'and'", categories: [BinaryOperator] });
export const Or = createToken({ name: 'Or', pattern: /or/, longer_alt: Identifier, label: "'or'", categories: [BinaryOperator] });
export const Not = keyword('not');
export const If = keyword('if');
export const Then = keyword('then');
export const Else = keyword('else');
export const True = keyword('true');
export const False = keyword('false');
export const Event = keyword('event');
export const Within = keyword('within');
export const Of = keyword('of');
export const Per = keyword('per');
export const Via = keyword('via');
export const Toward = keyword('toward');
export const Pause = keyword('pause');
export const ReduceOnly = keyword('reduce_only', 'ReduceOnly');
export const Halt = keyword('halt');
export const Reject = keyword('reject');
export const Throttle = keyword('throttle');
export const CancelAll = keyword('cancel_all', 'CancelAll');

// Contextual words.
export const Fair = softKeyword('fair', 'Fair');
export const For = softKeyword('for', 'For');
export const Hold = softKeyword('hold', 'Hold');
export const Step = softKeyword('step', 'Step');
export const Moved = softKeyword('moved', 'Moved');
export const Every = softKeyword('every', 'Every');
export const Ema = softKeyword('ema', 'Ema');
export const Abs = softKeyword('abs', 'Abs');
export const Long = softKeyword('long', 'Long');
export const Short = softKeyword('short', 'Short');
export const Position = softKeyword('position', 'Position');
export const Notional = softKeyword('notional', 'Notional');
export const Credit = softKeyword('credit', 'Credit');
export const Loss = softKeyword('loss', 'Loss');
export const Daily = softKeyword('daily', 'Daily');
export const Total = softKeyword('total', 'Total');
export const Drawdown = softKeyword('drawdown', 'Drawdown');
export const Orders = softKeyword('orders', 'Orders');
export const Price = softKeyword('price', 'Price');
export const On = softKeyword('on', 'On');
export const Ratio = softKeyword('ratio', 'Ratio');
export const Target = softKeyword('target', 'Target');
export const Taker = softKeyword('taker', 'Taker');
export const Maker = softKeyword('maker', 'Maker');
export const Its = softKeyword('its', 'Its');
export const Bounds = softKeyword('bounds', 'Bounds');
export const Rate = softKeyword('rate', 'Rate');
export const Slippage = softKeyword('slippage', 'Slippage');

// Literals. A duration is one token (`500ms`, `1h30m`) so that `2 m` (a number and a market called m)
// can never be read as two minutes.
export const Duration = createToken({
  name: 'Duration',
  pattern: /(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+(?![A-Za-z0-9_.])/,
  label: 'a duration like 500ms',
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  line_breaks: false,
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\n\r]|\\["\\nt])*"/,
  label: 'a "quoted string"',
});

// Input the language has no use for is still tokenised, into a group the parser never sees, so
// the lexer never enters its (slow) error recovery; parse.ts reports these as Q1007 / Q1001.
// An unterminated text still reaches the parser as a string (so one missing quote gives one error).
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*\\?/, categories: [StringLiteral] });
/** `// text` is a common slip for `# text`: one clear error instead of a cascade of parse errors. */
export const SlashComment = createToken({ name: 'SlashComment', pattern: /\/\/[^\n\r]*/, group: 'invalid' });

const tokenStarts = ' \t\r\n\f\v\u00a0\ufeffABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_#"(){}[],:;.+-*/^%<>=';
export const Unknown = createToken({
  name: 'Unknown',
  pattern: /(?:[^ \t\r\n\f\v\u00a0\ufeffA-Za-z0-9_#"(){}[\],:;.+\-*/^%<>=!]|!(?!=))+/,
  group: 'invalid',
  line_breaks: false,
  start_chars_hint: complementOf(tokenStarts),
});

/**
 * First characters of the complement of `chars`, in the form chevrotain's lexer optimisation wants:
 * every code below 256 not in `chars`, and one code per 255-wide bucket above (chevrotain files all
 * codes of a bucket together), so the catch-all token keeps the lexer's first-char optimisation.
 */
function complementOf(chars: string): number[] {
  const excluded = new Set([...chars].map((c) => c.charCodeAt(0)));
  const out: number[] = [];
  for (let code = 0; code < 256; code++) if (!excluded.has(code)) out.push(code);
  for (let code = 256; code < 65536; code += 255) out.push(code);
  return out;
}

// Punctuation and operators.
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: "'<='", categories: [BinaryOperator] });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: "'>='", categories: [BinaryOperator] });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, label: "'=='", categories: [BinaryOperator] });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, label: "'!='", categories: [BinaryOperator] });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'", categories: [BinaryOperator] });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'", categories: [BinaryOperator] });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'", categories: [ArithmeticOperator] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'", categories: [ArithmeticOperator] });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'", categories: [ArithmeticOperator] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'", categories: [ArithmeticOperator] });
export const Caret = createToken({ name: 'Caret', pattern: /\^/, label: "'^'", categories: [ArithmeticOperator] });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });

export const reservedWords: TokenType[] = [
  Strategy, Version, Market, Params, Signal, Scenario, When, Exit, Quote, Risk, Hedge, Adapt, Stress,
  Ladder, Refresh, MinInterval, Smooth, In, And, Or, Not, If, Then, Else, True, False, Event, Within,
  Of, Per, Via, Toward, Pause, ReduceOnly, Halt, Reject, Throttle, CancelAll,
];
export const contextualWords: TokenType[] = [
  Fair, For, Hold, Step, Moved, Every, Ema, Abs, Long, Short, Position, Notional, Credit, Loss, Daily, Total,
  Drawdown, Orders, Price, On, Ratio, Target, Taker, Maker, Its, Bounds, Rate, Slippage,
];
const punctuation: TokenType[] = [
  SlashComment, Arrow, LessEq, GreaterEq, EqEq, NotEq, Less, Greater, Equals, Plus, Minus, Star, Slash, Caret, Percent,
  LParen, RParen, LBrace, RBrace, LBracket, RBracket, Comma, Colon, Semicolon, Dot,
];

/** Lexer order matters: whitespace and comments first, durations before plain numbers, words before names. */
export const allTokens: TokenType[] = [
  WhiteSpace, Comment, Duration, NumberLiteral, StringLiteral,
  // Contextual words before reserved ones: `orders` must not lex as `or` + `ders`, nor `notional` as `not`.
  ...contextualWords, ...reservedWords, Identifier,
  ...punctuation,
  UnterminatedString, Unknown,
  // Categories: no pattern of their own, but the parser must know them.
  BinaryOperator, ArithmeticOperator,
];

/** Word lists by highlighting class, for the editor and the docs. */
export const tokenClasses = {
  keywords: reservedWords.map(wordOf),
  contextualKeywords: contextualWords.map(wordOf),
  riskActions: [Reject, Throttle, ReduceOnly, Halt, CancelAll].map(wordOf),
  operators: ['->', '<=', '>=', '==', '!=', '<', '>', '=', '+', '-', '*', '/', '^', '%'],
  durationPattern: Duration.PATTERN as RegExp,
  numberPattern: NumberLiteral.PATTERN as RegExp,
  stringPattern: StringLiteral.PATTERN as RegExp,
  identifierPattern: Identifier.PATTERN as RegExp,
  commentPattern: Comment.PATTERN as RegExp,
} as const;

function wordOf(t: TokenType): string {
  return (t.PATTERN as RegExp).source;
}
