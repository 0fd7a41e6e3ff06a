// The formatter: re-indents by bracket depth (two spaces a level) and fixes spacing between tokens,
// keeping every token, every comment and every line break where it is. Line breaks stay because
// they carry meaning in one place (a unit must sit on its number's line) and because authors align
// columns in params and quote blocks by hand: where one space is due, an existing run of spaces is
// kept, so that alignment survives; where none is due (`m.mid`, `f(x)`, `x, y`) it is removed.
// A text the lexer rejects is returned unchanged, and so is any result that would not lex to the same
// tokens, so formatting can never change what a file means.
import type { IToken, TokenType } from 'chevrotain';
import * as T from '../../../dsl/tokens.js';
import { lexLine } from './highlight.js';

const indentUnit = '  ';
const opens: ReadonlySet<TokenType> = new Set([T.LBrace, T.LParen, T.LBracket]);
const closes: ReadonlySet<TokenType> = new Set([T.RBrace, T.RParen, T.RBracket]);
const operandEnds: ReadonlySet<TokenType> = new Set([T.NumberLiteral, T.Duration, T.StringLiteral, T.UnterminatedString, T.True, T.False, T.RParen, T.RBracket, T.Percent]);
/** A line that starts with one of these continues the previous line's expression. */
const continuationStarts: ReadonlySet<TokenType> = new Set([T.And, T.Or, T.Plus, T.Star, T.Slash, T.Caret, T.Less, T.LessEq, T.Greater, T.GreaterEq, T.EqEq, T.NotEq, T.Arrow]);

interface Line {
  tokens: IToken[];
  /** Text of a trailing `# comment`, and the blanks before it. */
  comment?: { text: string; gap: string };
  blank: boolean;
}

const endsWithOperator = (t: TokenType): boolean =>
  t === T.Equals || t === T.Arrow || (t.CATEGORIES ?? []).some((c) => c === T.BinaryOperator || c === T.ArithmeticOperator);
const isName = (t: TokenType): boolean => t === T.Identifier || t.CATEGORIES?.includes(T.Identifier) === true;
const endsOperand = (t: TokenType | undefined): boolean => t !== undefined && (operandEnds.has(t) || isName(t));

export function formatQuoin(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const rawLines = text.split(/\r?\n/);
  const lines: Line[] = [];
  for (const raw of rawLines) {
    const toks = lexLine(raw);
    if (toks.some((t) => t.tokenType === T.Unknown || t.tokenType === T.SlashComment)) return text;
    const code = toks.filter((t) => t.tokenType !== T.WhiteSpace);
    const lastTok = code[code.length - 1];
    const codeEnd = lastTok ? lastTok.startOffset + lastTok.image.length : 0;
    const hash = raw.indexOf('#', codeEnd);
    const line: Line = { tokens: code, blank: code.length === 0 && hash < 0 };
    if (hash >= 0) line.comment = { text: raw.slice(hash).trimEnd(), gap: raw.slice(codeEnd, hash) };
    lines.push(line);
  }

  const out: string[] = [];
  let depth = 0;
  let previousCode: IToken[] = [];
  for (const line of lines) {
    if (line.blank) {
      out.push('');
      continue;
    }
    const first = line.tokens[0];
    let level = depth;
    // Closing brackets at the start of a line sit at the level of the line that opened them.
    for (const t of line.tokens) {
      if (closes.has(t.tokenType)) level--;
      else break;
    }
    const prevLast = previousCode[previousCode.length - 1]?.tokenType;
    // Like the parser (continuesExpression), a line that starts `name =` never continues the line before.
    const startsEntry = first !== undefined && isName(first.tokenType) && line.tokens[1]?.tokenType === T.Equals;
    const continues = first !== undefined && !startsEntry && (continuationStarts.has(first.tokenType) || (prevLast !== undefined && endsWithOperator(prevLast)));
    if (continues && !closes.has(first.tokenType)) level++;
    const indent = indentUnit.repeat(Math.max(0, level));

    let body = '';
    line.tokens.forEach((t, i) => {
      const prev = line.tokens[i - 1];
      if (prev) body += spaceBetween(prev, t, line.tokens[i - 2], sourceGap(prev, t));
      body += t.image;
    });
    if (line.tokens.length > 0) {
      for (const t of line.tokens) {
        if (opens.has(t.tokenType)) depth++;
        else if (closes.has(t.tokenType)) depth = Math.max(0, depth - 1);
      }
      previousCode = line.tokens;
    }
    if (line.comment) {
      const gap = body === '' ? '' : line.comment.gap.includes('\t') || line.comment.gap === '' ? ' ' : line.comment.gap;
      body += gap + line.comment.text;
    }
    out.push(indent + body);
  }
  // One newline at the end, no trailing blank lines.
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  const result = out.join(eol) + eol;
  return sameTokens(text, result) ? result : text;
}

/** The original blanks between two tokens of one line (tokens carry their offsets within the line). */
function sourceGap(prev: IToken, next: IToken): string {
  const start = prev.startOffset + prev.image.length;
  return ' '.repeat(Math.max(0, next.startOffset - start));
}

function spaceBetween(prev: IToken, next: IToken, beforePrev: IToken | undefined, gap: string): string {
  const p = prev.tokenType;
  const n = next.tokenType;
  const none = '';
  const one = gap.length > 0 ? gap : ' ';
  if (p === T.Dot || n === T.Dot) return none;
  if (n === T.Comma || n === T.Semicolon) return none;
  if (p === T.LParen || p === T.LBracket || n === T.RParen || n === T.RBracket) return none;
  // 5% is a number with its unit; binance:"BTC/USDT" a venue and a symbol.
  if (n === T.Percent && p === T.NumberLiteral) return none;
  if (p === T.Colon && n === T.StringLiteral) return none;
  if (n === T.Colon) return none;
  // f(x), m.depth(10 bps), event("cpi"): no space before a call's parenthesis.
  if (n === T.LParen && (isName(p) || p === T.Event)) return none;
  // Unary minus binds to its operand: -x, (0 - 1), [-1, 1].
  if (p === T.Minus && !endsOperand(beforePrev?.tokenType)) return none;
  return one;
}

/** The formatter's guarantee: the same tokens, in the same order, on the same lines. */
function sameTokens(a: string, b: string): boolean {
  const la = a.split(/\r?\n/);
  const lb = b.split(/\r?\n/);
  const sig = (lines: string[]): string[] => lines.map((l) => lexLine(l).filter((t) => t.tokenType !== T.WhiteSpace).map((t) => `${t.tokenType.name}:${t.image}`).join(' ')).filter((s) => s !== '');
  const sa = sig(la);
  const sb = sig(lb);
  return sa.length === sb.length && sa.every((s, i) => s === sb[i]) && codeLineCount(la) === codeLineCount(lb);
}

function codeLineCount(lines: string[]): number {
  return lines.filter((l) => lexLine(l).length > 0).length;
}
