// Completion: text + offset → items. The keywords offered are the ones the grammar accepts at the
// cursor (chevrotain's content assist over the parser's own rules); names are the file's params,
// signals, markets and quote bindings plus the built-ins; after `alias.` the market fields; after a
// number its units.
import type { IToken, TokenType } from 'chevrotain';
import * as T from '../../../dsl/tokens.js';
import { parser } from '../../../dsl/parser.js';
import { builtins, marketMembers } from '../../../compiler/builtins.js';
import { analyse, isNameToken, type Analysis } from './analysis.js';
import { builtinMarkdown, builtinSnippet } from './builtin-docs.js';
import { symbolMarkdown } from './navigation.js';
import { tokenizeLine } from './highlight.js';

export type CompletionKind = 'keyword' | 'function' | 'field' | 'value' | 'param' | 'signal' | 'market' | 'binding' | 'unit' | 'argument';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  insertText: string;
  /** insertText has ${1:placeholders}. */
  snippet?: boolean;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText?: string;
}

export interface CompletionResult {
  items: CompletionItem[];
  /** Offset where the word being typed starts: the items replace [replaceStart, offset). */
  replaceStart: number;
}

const wordOf = (t: TokenType): string => (t.PATTERN as RegExp).source;
const keywordTypes: ReadonlySet<TokenType> = new Set([...T.reservedWords, ...T.contextualWords]);
const durationSuffixes = ['ms', 's', 'm', 'h', 'd'];
/** Tokens that start a top-level item of the strategy body. */
const itemStarts: ReadonlySet<TokenType> = new Set([T.Market, T.Params, T.Signal, T.Scenario, T.Quote, T.Risk, T.Hedge, T.Adapt, T.Stress]);
/** After these words only a market alias makes sense (quote m, on h, position m …). */
const marketSlots: ReadonlySet<TokenType> = new Set([T.Quote, T.On, T.Hedge, T.Position, T.Notional, T.Orders, T.Price]);
/** After these a new name is being declared: nothing to complete. */
const declarationSlots: ReadonlySet<TokenType> = new Set([T.Market, T.Signal, T.Scenario]);

export function completionsAt(text: string, offset: number): CompletionResult {
  const before = text.slice(0, offset);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const replaceStart = offset - word.length;
  const lineStart = before.lastIndexOf('\n') + 1;
  if (insideCommentOrString(before.slice(lineStart), replaceStart - lineStart)) return { items: [], replaceStart };

  const a = analyse(text);
  // Tokens wholly before the word being typed: the context the word continues.
  const prior = a.tokens.filter((t) => t.startOffset + t.image.length <= replaceStart);
  const prev = prior[prior.length - 1];

  // m.| → market fields
  if (prev?.tokenType === T.Dot) {
    const owner = prior[prior.length - 2];
    if (owner && isNameToken(owner)) return { items: memberItems(a, owner.image), replaceStart };
    return { items: [], replaceStart };
  }

  const items: CompletionItem[] = [];
  // 8 | → units; 5| → duration suffixes (a duration is written without a space).
  if (prev?.tokenType === T.NumberLiteral && !text.slice(prev.startOffset, replaceStart).includes('\n')) {
    const touching = prev.startOffset + prev.image.length === replaceStart;
    if (touching) {
      for (const s of durationSuffixes) items.push({ label: `${prev.image}${s}`, kind: 'unit', insertText: s, detail: 'duration', sortText: `0${s}` });
      return { items, replaceStart };
    }
    items.push(...unitItems(a));
  }

  const expected = expectedTokens(a.tokens, prior);
  const keywords = new Set<string>();
  let namesExpected = expected === undefined;
  for (const t of expected ?? [...keywordTypes]) {
    if (keywordTypes.has(t)) keywords.add(wordOf(t));
    else if (t === T.BinaryOperator) ['and', 'or'].forEach((w) => keywords.add(w));
    else if (t === T.Identifier) namesExpected = true;
  }
  for (const k of keywords) items.push({ label: k, kind: 'keyword', insertText: k, sortText: `3${k}` });

  if (namesExpected && !(prev && declarationSlots.has(prev.tokenType))) {
    if (prev && marketSlots.has(prev.tokenType)) {
      items.push(...marketItems(a));
    } else if (prev?.tokenType === T.Adapt) {
      items.push(...[...a.params.values()].map((p) => nameItem(p.name, 'param', p)));
    } else if (!startsDeclaration(prior)) {
      items.push(...argumentItems(prior), ...nameItems(a, replaceStart));
    }
  }
  return { items: dedupe(items), replaceStart };
}

/** In a params block or a quote/scenario body at line start, a new name is being declared. */
function startsDeclaration(prior: readonly IToken[]): boolean {
  const prev = prior[prior.length - 1];
  if (!prev) return false;
  return prev.tokenType === T.LBrace && prior.some((t) => t.tokenType === T.Params) && enclosingBlockKeyword(prior) === T.Params;
}

function enclosingBlockKeyword(prior: readonly IToken[]): TokenType | undefined {
  let depth = 0;
  for (let i = prior.length - 1; i >= 0; i--) {
    const t = prior[i];
    if (!t) continue;
    if (t.tokenType === T.RBrace) depth++;
    else if (t.tokenType === T.LBrace) {
      if (depth === 0) {
        for (let j = i - 1; j >= 0; j--) {
          const k = prior[j];
          if (k && (itemStarts.has(k.tokenType) || k.tokenType === T.Strategy)) return k.tokenType;
        }
        return undefined;
      }
      depth--;
    }
  }
  return undefined;
}

/**
 * Token types the grammar accepts next. Content assist runs from the start of the current top-level
 * item (behind the file's header), so its cost does not grow with the file. Undefined when the
 * grammar cannot say (then every keyword is offered).
 */
function expectedTokens(all: readonly IToken[], prior: readonly IToken[]): TokenType[] | undefined {
  try {
    const open = all.findIndex((t) => t.tokenType === T.LBrace);
    let input: IToken[];
    if (open < 0 || prior.length <= open + 1) {
      input = [...prior];
    } else {
      let depth = 0;
      let start = open + 1;
      for (let i = open + 1; i < prior.length; i++) {
        const t = prior[i];
        if (!t) continue;
        if (depth === 0 && (itemStarts.has(t.tokenType) || (t.tokenType === T.Fair && isFairItem(prior, i)))) start = i;
        if (t.tokenType === T.LBrace || t.tokenType === T.LParen || t.tokenType === T.LBracket) depth++;
        else if (t.tokenType === T.RBrace || t.tokenType === T.RParen || t.tokenType === T.RBracket) depth--;
        if (depth < 0) return []; // the strategy's own block is closed: nothing may follow
      }
      input = [...all.slice(0, open + 1), ...prior.slice(start)];
    }
    const suggestions = parser.computeContentAssist('file', input);
    return [...new Set(suggestions.map((s) => s.nextTokenType))];
  } catch {
    return undefined;
  }
}

/** `fair = …` or `fair h = …` at item level, as opposed to `fair` inside an expression. */
function isFairItem(tokens: readonly IToken[], i: number): boolean {
  const n1 = tokens[i + 1];
  const n2 = tokens[i + 2];
  const before = tokens[i - 1];
  const afterValue = before && (before.tokenType === T.Equals || T.BinaryOperator === before.tokenType || before.tokenType.CATEGORIES?.includes(T.BinaryOperator));
  if (afterValue) return false;
  return n1 === undefined || n1.tokenType === T.Equals || (n1.tokenType === T.Identifier && (n2 === undefined || n2.tokenType === T.Equals));
}

function insideCommentOrString(line: string, column: number): boolean {
  let scope = '';
  for (const t of tokenizeLine(line)) {
    if (t.startIndex >= column) break;
    scope = t.scope;
  }
  if (scope === 'comment') return true;
  if (scope === 'string') {
    // Inside unless the string closed before the cursor.
    const start = line.lastIndexOf('"', column - 1);
    const quotes = (line.slice(0, column).match(/"/g) ?? []).length;
    return start >= 0 && quotes % 2 === 1;
  }
  return false;
}

function memberItems(a: Analysis, owner: string): CompletionItem[] {
  const market = a.markets.get(owner);
  const where = market?.base && market.quote ? ` (${market.quote} per ${market.base})` : '';
  return [...marketMembers.values()].map((b) => {
    const snippet = builtinSnippet(b);
    return {
      label: b.name, kind: 'field', insertText: snippet, snippet: snippet !== b.name,
      detail: `${owner}.${(b.args.length ? b.name + signatureArgs(b.args.map((x) => x.name)) : b.name)}${where}`,
      documentation: builtinMarkdown(b), sortText: `1${b.name}`,
    } satisfies CompletionItem;
  });
}

const signatureArgs = (names: string[]): string => `(${names.join(', ')})`;

function unitItems(a: Analysis): CompletionItem[] {
  const assets = new Set<string>();
  for (const m of a.markets.values()) for (const x of [m.base, m.quote, m.settle]) if (x) assets.add(x);
  const items: CompletionItem[] = [
    { label: 'bps', kind: 'unit', insertText: 'bps', detail: 'basis points: 1 bps = 0.01%', sortText: '0bps' },
    { label: '%', kind: 'unit', insertText: '%', detail: 'percent (100 bps)', sortText: '0%' },
  ];
  for (const x of assets) items.push({ label: x, kind: 'unit', insertText: x, detail: 'asset of a declared market: a quantity or a notional', sortText: `0${x}` });
  return items;
}

function marketItems(a: Analysis): CompletionItem[] {
  return [...a.markets.values()].map((m) => nameItem(m.name, 'market', m));
}

function nameItem(name: string, kind: CompletionKind, info: Parameters<typeof symbolMarkdown>[0]): CompletionItem {
  const detail = info.kind === 'param' ? `param${info.unit ? `: ${info.unit}` : ''}` : info.kind === 'signal' ? `signal${info.unit ? `: ${info.unit}` : ''}` : info.kind === 'market' ? `market ${info.venue}:"${info.symbol}"` : info.kind;
  return { label: name, kind, insertText: name, detail, documentation: symbolMarkdown(info), sortText: `1${name}` };
}

function nameItems(a: Analysis, offset: number): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const b of a.bindings) if (offset >= b.scope.start && offset < b.scope.end) items.push(nameItem(b.name, 'binding', b));
  for (const p of a.params.values()) items.push(nameItem(p.name, 'param', p));
  for (const s of a.signals.values()) items.push(nameItem(s.name, 'signal', s));
  items.push(...marketItems(a));
  for (const b of builtins) {
    if (b.form === 'member') continue;
    const snippet = builtinSnippet(b);
    items.push({
      label: b.name, kind: b.form === 'function' ? 'function' : 'value', insertText: snippet, snippet: snippet !== b.name,
      detail: builtinMarkdown(b).split('\n')[1] ?? b.name, documentation: builtinMarkdown(b), sortText: `2${b.name}`,
    });
  }
  return items;
}

/** Inside `f(…, |)`: the named arguments of f that are not given yet (`halflife:`). */
function argumentItems(prior: readonly IToken[]): CompletionItem[] {
  let depth = 0;
  for (let i = prior.length - 1; i >= 0; i--) {
    const t = prior[i];
    if (!t) continue;
    if (t.tokenType === T.RParen) depth++;
    else if (t.tokenType === T.LParen) {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = prior[i - 1];
      const dotted = prior[i - 2]?.tokenType === T.Dot;
      if (!callee || !isNameToken(callee)) return [];
      const spec = builtins.find((b) => b.name === callee.image && (dotted ? b.form === 'member' : b.form === 'function'));
      if (!spec) return [];
      const given = new Set(prior.slice(i + 1).filter((x, k, arr) => arr[k + 1]?.tokenType === T.Colon).map((x) => x.image));
      const argIndex = prior.slice(i + 1).filter((x) => x.tokenType === T.Comma).length;
      return spec.args
        .filter((arg, k) => k >= argIndex && !given.has(arg.name) && arg.accepts !== 'marketAlias')
        .map((arg) => ({ label: `${arg.name}:`, kind: 'argument', insertText: `${arg.name}: `, detail: `argument of ${spec.name}`, documentation: arg.doc, sortText: `0${arg.name}` }) satisfies CompletionItem);
    } else if (t.tokenType === T.LBrace || t.tokenType === T.RBrace) {
      return [];
    }
  }
  return [];
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.kind}:${i.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
