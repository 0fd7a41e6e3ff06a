// Syntax highlighting driven by the compiler's own lexer (dsl/tokens.ts): the editor colours exactly
// the tokens the parser will see, so a word is a keyword in the editor if and only if it is one in
// the language. No Quoin token is multi-line (comments and strings end at the line end), so each
// line is lexed on its own and the tokenizer needs no state between lines.
import { Lexer, type IToken, type TokenType } from 'chevrotain';
import { functions, values } from '../../../compiler/builtins.js';
import * as T from '../../../dsl/tokens.js';

/** Monaco token scopes; the built-in vs / vs-dark / hc themes colour each by its first segment. */
export const scopes = {
  keyword: 'keyword',
  contextualKeyword: 'keyword.contextual',
  riskAction: 'keyword.flow',
  number: 'number',
  duration: 'number.duration',
  unit: 'type.unit',
  string: 'string',
  comment: 'comment',
  operator: 'operator',
  delimiter: 'delimiter',
  bracket: 'delimiter.bracket',
  builtin: 'variable.predefined',
  member: 'variable.member',
  identifier: 'identifier',
  invalid: 'invalid',
  whitespace: '',
} as const;
export type Scope = (typeof scopes)[keyof typeof scopes];

export interface LineToken {
  /** 0-based column where the token starts; it runs to the next token's start. */
  startIndex: number;
  scope: Scope;
  /** The lexer's token name (`Comment` for comments), for tests and debugging. */
  tokenName: string;
}

const reserved: ReadonlySet<TokenType> = new Set(T.reservedWords);
const contextual: ReadonlySet<TokenType> = new Set(T.contextualWords);
const riskActions: ReadonlySet<string> = new Set(T.tokenClasses.riskActions);
const operators: ReadonlySet<TokenType> = new Set([
  T.Arrow, T.LessEq, T.GreaterEq, T.EqEq, T.NotEq, T.Less, T.Greater, T.Equals, T.Plus, T.Minus, T.Star, T.Slash, T.Caret,
]);
const brackets: ReadonlySet<TokenType> = new Set([T.LParen, T.RParen, T.LBrace, T.RBrace, T.LBracket, T.RBracket]);
const builtinNames: ReadonlySet<string> = new Set([...functions.keys(), ...values.keys()]);

// The compiler's parse.ts keeps its lexer private; this one is built from the same token list.
// Comments and white space are in the SKIPPED group, so they show up as the gaps between tokens.
const lexer = new Lexer(T.allTokens, { positionTracking: 'onlyOffset' });

/** Lexes one line; `invalid` tokens (stray characters, `//`) are merged back in source order. */
export function lexLine(line: string): IToken[] {
  const out = lexer.tokenize(line);
  const all = [...out.tokens, ...(out.groups['invalid'] ?? [])];
  all.sort((a, b) => a.startOffset - b.startOffset);
  return all;
}

function isWordToken(t: TokenType): boolean {
  return t === T.Identifier || contextual.has(t);
}

/** Classifies every token of one line, with comments and blanks from the gaps between tokens. */
export function tokenizeLine(line: string): LineToken[] {
  const toks = lexLine(line);
  const result: LineToken[] = [];
  let pos = 0;
  const gap = (end: number): void => {
    if (end <= pos) return;
    const hash = line.indexOf('#', pos);
    if (hash >= 0 && hash < end) {
      if (hash > pos) result.push({ startIndex: pos, scope: scopes.whitespace, tokenName: 'WhiteSpace' });
      result.push({ startIndex: hash, scope: scopes.comment, tokenName: 'Comment' });
    } else {
      result.push({ startIndex: pos, scope: scopes.whitespace, tokenName: 'WhiteSpace' });
    }
  };
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i];
    if (!tok) continue;
    gap(tok.startOffset);
    const prev = toks[i - 1];
    const next = toks[i + 1];
    result.push({ startIndex: tok.startOffset, scope: classify(tok, prev, next), tokenName: tok.tokenType.name });
    pos = tok.startOffset + tok.image.length;
  }
  // A trailing comment (the lexer skipped it) or trailing blanks.
  if (pos < line.length) gap(line.length);
  return result;
}

function classify(tok: IToken, prev: IToken | undefined, next: IToken | undefined): Scope {
  const t = tok.tokenType;
  if (t === T.Unknown || t === T.SlashComment) return scopes.invalid;
  if (t === T.StringLiteral || t === T.UnterminatedString) return scopes.string;
  if (t === T.Duration) return scopes.duration;
  if (t === T.NumberLiteral) return scopes.number;
  if (reserved.has(t)) return riskActions.has(tok.image) ? scopes.riskAction : scopes.keyword;
  if (isWordToken(t)) {
    // m.mid, m.depth(…): a market field.
    if (prev?.tokenType === T.Dot) return scopes.member;
    // 8 bps, 0.01 BTC: a unit sits right after its number.
    if (prev?.tokenType === T.NumberLiteral) return scopes.unit;
    // abs(x), position * gamma: contextual words used as names are built-ins, not clause words.
    if (builtinNames.has(tok.image) && (next?.tokenType === T.LParen || !contextual.has(t))) return scopes.builtin;
    if (contextual.has(t)) return scopes.contextualKeyword;
    return scopes.identifier;
  }
  if (t === T.Percent) return prev?.tokenType === T.NumberLiteral ? scopes.unit : scopes.operator;
  if (operators.has(t)) return scopes.operator;
  if (brackets.has(t)) return scopes.bracket;
  return scopes.delimiter;
}
