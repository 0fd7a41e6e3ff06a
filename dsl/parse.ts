// Source text → AST plus syntax diagnostics. Lenient: every syntax error of the file in one pass,
// and never an exception, whatever bytes come in.
import { EOF, Lexer, type ILexingError, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { StrategyAst, SourceRange } from './ast.js';
import { astParser } from './ast-parser.js';
import { CstToAst, RangeMaker } from './cst-to-ast.js';
import { LineIndex } from './line-index.js';
import { limits } from './limits.js';
import { makeDiagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { recoveringParser } from './parser.js';
import * as T from './tokens.js';

export interface ParseResult {
  ast: StrategyAst | undefined;
  diagnostics: Diagnostic[];
  tokens: IToken[];
}

// Offsets only: line and column are computed from the line index for the few tokens that need them,
// which makes lexing about three times faster than chevrotain's full position tracking.
const lexer = new Lexer(T.allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });

export { LineIndex, limits };

export interface ParseOptions {
  /**
   * 'recovering' skips the AST-building parser and reads the file with the recovering CstParser and
   * cst-to-ast.ts only: for the test that keeps the two parsers in step.
   */
  parser?: 'auto' | 'recovering';
}

export function parse(source: string, file: string, options: ParseOptions = {}): ParseResult {
  const lines = new LineIndex(source);
  const diagnostics: Diagnostic[] = [];
  const add = (code: DiagnosticCode, message: string, range: SourceRange): void => {
    diagnostics.push(makeDiagnostic({ code, message, file, range }));
  };

  if (source.length > limits.maxSourceChars) {
    add('Q1005', `the file is ${source.length} characters long; the limit is ${limits.maxSourceChars}`, lines.range(0, 0));
    return { ast: undefined, diagnostics, tokens: [] };
  }

  const lexed = lexer.tokenize(source);
  // The lexer records start offsets only; ends come from the image length (needed for CST node ranges).
  for (const t of lexed.tokens) {
    t.endOffset = t.startOffset + t.image.length - 1;
    if (t.tokenType === T.UnterminatedString) reportInvalid(t, source, lines, add);
  }
  for (const e of lexed.errors) reportLexError(e, source, lines, add);
  for (const t of lexed.groups.invalid ?? []) reportInvalid(t, source, lines, add);

  let tokens = lexed.tokens;
  const cut = findTooDeep(tokens);
  if (cut) {
    add('Q1005', cut.message, new RangeMaker(lines, lines.range(0, 0)).ofToken(cut.token));
    // Parse what comes before the problem so earlier errors are still reported.
    tokens = tokens.slice(0, cut.index);
  }

  const fileRange = lines.range(0, source.length);
  const eofRange = lines.range(source.length, source.length);
  const ranges = new RangeMaker(lines, eofRange);
  // Most files have no syntax error: the AST-building parser reads those without a CST. It gives
  // up on anything the recovering parser and cst-to-ast.ts would report, and then they run.
  let ast = options.parser === 'recovering' ? undefined : astParser.parseFile(tokens, lines, ranges);
  if (ast) {
    ast.range = fileRange;
    return { ast, diagnostics: capped(diagnostics, file), tokens: lexed.tokens };
  }
  try {
    const parser = recoveringParser();
    parser.lines = lines;
    parser.input = tokens;
    const cst = parser.file();
    for (const e of parser.errors) reportParseError(e, ranges, add);
    const converter = new CstToAst(ranges, (f) => add(f.code as DiagnosticCode, f.message, f.range));
    ast = converter.file(cst);
    ast.range = fileRange;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    add('Q1005', 'the file nests too deeply to be read; simplify the deepest expression', fileRange);
    ast = undefined;
  }
  return { ast, diagnostics: capped(diagnostics, file), tokens: lexed.tokens };
}

function reportLexError(e: ILexingError, source: string, lines: LineIndex, add: (c: DiagnosticCode, m: string, r: SourceRange) => void): void {
  const ch = source.charAt(e.offset);
  if (ch === '"') {
    const lineEnd = source.indexOf('\n', e.offset);
    const end = lineEnd < 0 ? source.length : lineEnd;
    add('Q1007', 'this text has no closing " on its line', lines.range(e.offset, end));
    return;
  }
  const shown = JSON.stringify(source.slice(e.offset, e.offset + Math.min(e.length, 12)));
  const extra = ch === '/' && source.charAt(e.offset + 1) === '/' ? ' (comments start with #)' : '';
  add('Q1001', `unexpected character${e.length > 1 ? 's' : ''} ${shown}${extra}`, lines.range(e.offset, e.offset + e.length));
}

function reportInvalid(t: IToken, source: string, lines: LineIndex, add: (c: DiagnosticCode, m: string, r: SourceRange) => void): void {
  const end = t.startOffset + t.image.length;
  if (t.tokenType === T.UnterminatedString) {
    add('Q1007', 'this text has no closing " on its line', lines.range(t.startOffset, end));
    return;
  }
  const shown = JSON.stringify(t.image.length > 12 ? `${t.image.slice(0, 12)}…` : t.image);
  if (t.tokenType === T.SlashComment) {
    add('Q1001', 'comments start with #, not //', lines.range(t.startOffset, end));
    return;
  }
  const extra = t.image === '!' ? " (write 'not' for negation, != for not-equal)" : '';
  add('Q1001', `unexpected character${t.image.length > 1 ? 's' : ''} ${shown}${extra}`, lines.range(t.startOffset, end));
}

function reportParseError(e: IRecognitionException, ranges: RangeMaker, add: (c: DiagnosticCode, m: string, r: SourceRange) => void): void {
  let code: DiagnosticCode;
  switch (e.name) {
    case 'MismatchedTokenException': code = 'Q1002'; break;
    case 'NotAllInputParsedException': code = 'Q1004'; break;
    default: code = 'Q1003';
  }
  // At the end of the file chevrotain points at a virtual EOF token; fall back to the end of the text.
  // A token inserted by recovery has no position: point at the token before it.
  const previous = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const tok = e.token.tokenType === EOF ? undefined : Number.isFinite(e.token.startOffset) ? e.token : previous;
  add(code, e.message, ranges.ofToken(tok));
}

/** Finds the first token at which nesting or operator chains exceed what the parser can safely recurse into. */
function findTooDeep(tokens: IToken[]): { index: number; token: IToken; message: string } | undefined {
  let depth = 0;
  let run = 0;
  let chain = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (!tok) continue;
    const t = tok.tokenType;
    // Operators of one expression build one (left-deep) tree; a clause boundary starts a new one.
    if (binaryOperators.has(t)) {
      chain++;
      if (chain > limits.maxChainLength) return { index: i, token: tok, message: `this expression has more than ${limits.maxChainLength} operators` };
    } else if (clauseBoundaries.has(t) || reservedWords.has(t)) {
      chain = 0;
    }
    if (t === T.LParen || t === T.LBracket || t === T.LBrace) {
      depth++;
      if (depth > limits.maxNesting) return { index: i, token: tok, message: `brackets nest more than ${limits.maxNesting} levels deep here` };
    } else if (t === T.RParen || t === T.RBracket || t === T.RBrace) {
      depth = Math.max(0, depth - 1);
    }
    // Prefix operators (- x, not x), ^ chains, if and within recurse in the parser; a binary
    // operator or any clause word ends the run, operands and opening brackets do not.
    const prefix = (t === T.Minus || t === T.Not) && !endsOperand(tokens[i - 1]);
    if (prefix || t === T.Caret || t === T.If || t === T.Within) {
      run++;
      if (run > limits.maxOperatorRun) return { index: i, token: tok, message: `more than ${limits.maxOperatorRun} chained prefix or ^ operators here` };
    } else if (t !== T.LParen && !endsOperand(tok)) {
      run = 0;
    }
  }
  return undefined;
}

const binaryOperators: ReadonlySet<TokenType> = new Set([T.Plus, T.Minus, T.Star, T.Slash, T.Caret, T.And, T.Or, T.Less, T.LessEq, T.Greater, T.GreaterEq, T.EqEq, T.NotEq, T.Comma]);
const clauseBoundaries: ReadonlySet<TokenType> = new Set([T.Equals, T.LBrace, T.RBrace, T.Semicolon, T.Arrow]);

// findTooDeep looks at every token of the file: sets, not array searches, answer its questions.
const reservedWords: ReadonlySet<TokenType> = new Set(T.reservedWords);
/** Literals, closing brackets, `%`, and names: the identifier and every word in its category. */
const operandEnds: ReadonlySet<TokenType> = new Set([
  T.NumberLiteral, T.Duration, T.StringLiteral, T.True, T.False, T.RParen, T.RBracket, T.Percent, T.Identifier,
  ...T.allTokens.filter((t) => t.CATEGORIES?.includes(T.Identifier) === true),
]);

function endsOperand(tok: IToken | undefined): boolean {
  return tok !== undefined && operandEnds.has(tok.tokenType);
}

function capped(diagnostics: Diagnostic[], file: string): Diagnostic[] {
  if (diagnostics.length <= limits.maxDiagnostics) return diagnostics;
  const kept = diagnostics.slice(0, limits.maxDiagnostics);
  const last = kept[kept.length - 1];
  kept.push(makeDiagnostic({
    code: 'Q1008',
    message: `${diagnostics.length - limits.maxDiagnostics} more errors not shown; fix the ones above first`,
    file,
    range: last ? last.range : { start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
  }));
  return kept;
}
