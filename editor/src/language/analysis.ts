// What the editor knows about one text: its tokens, its declarations (markets, params, signals,
// quote bindings, scenarios) and, when the text checks far enough, their units. Built with the
// compiler's own phases (parse, bind, check) with their diagnostics thrown away: the worker reports
// those. Lenient like the parser: a half-typed file still yields whatever declarations it has.
import type { IToken } from 'chevrotain';
import type * as A from '../../../dsl/ast.js';
import { parse } from '../../../dsl/parse.js';
import { printExpr } from '../../../dsl/print.js';
import * as T from '../../../dsl/tokens.js';
import { bind } from '../../../compiler/binder.js';
import { check, type Checked } from '../../../compiler/checker.js';
import { lookupMarket, parseSymbol } from '../../../compiler/market-catalogue.js';
import { describe, type Ty } from '../../../compiler/units.js';

/** Half-open [start, end) character offsets into the text. */
export interface OffsetRange {
  start: number;
  end: number;
}

export interface MarketInfo {
  kind: 'market';
  name: string;
  nameRange: OffsetRange;
  venue: string;
  symbol: string;
  base?: string;
  quote?: string;
  settle?: string;
  tickSize?: number;
  lotSize?: number;
}

export interface ParamInfo {
  kind: 'param';
  name: string;
  nameRange: OffsetRange;
  valueText: string;
  boundsText?: string;
  unit?: string;
  comment?: string;
}

export interface SignalInfo {
  kind: 'signal';
  name: string;
  nameRange: OffsetRange;
  valueText: string;
  unit?: string;
  comment?: string;
}

export interface BindingInfo {
  kind: 'binding';
  name: string;
  nameRange: OffsetRange;
  market: string;
  /** The quote block the binding is visible in. */
  scope: OffsetRange;
  valueText: string;
  unit?: string;
}

export interface ScenarioInfo {
  kind: 'scenario';
  name: string;
  nameRange: OffsetRange;
}

export type SymbolInfo = MarketInfo | ParamInfo | SignalInfo | BindingInfo | ScenarioInfo;

export interface Analysis {
  text: string;
  /** Every token the parser saw, in order (comments and blanks are not tokens). */
  tokens: IToken[];
  markets: Map<string, MarketInfo>;
  params: Map<string, ParamInfo>;
  signals: Map<string, SignalInfo>;
  bindings: BindingInfo[];
  scenarios: Map<string, ScenarioInfo>;
}

const rangeOf = (r: A.SourceRange): OffsetRange => ({ start: r.start.offset, end: r.end.offset });

let last: Analysis | undefined;

/** Analyses `text`, reusing the previous result when the text is the same (hover, then completion…). */
export function analyse(text: string): Analysis {
  if (last && last.text === text) return last;
  last = build(text);
  return last;
}

function build(text: string): Analysis {
  const a: Analysis = { text, tokens: [], markets: new Map(), params: new Map(), signals: new Map(), bindings: [], scenarios: new Map() };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(text, '<editor>');
  } catch {
    return a;
  }
  a.tokens = parsed.tokens;
  const ast = parsed.ast;
  if (!ast) return a;

  let checked: Checked | undefined;
  try {
    checked = check(bind(ast, () => {}), () => {});
  } catch {
    checked = undefined;
  }
  const unitOf = (e: A.Expr): string | undefined => {
    const ty: Ty | undefined = checked?.types.get(e);
    return ty && ty.kind !== 'error' ? describe(ty) : undefined;
  };

  for (const item of ast.items) {
    switch (item.kind) {
      case 'market': {
        if (a.markets.has(item.alias.name)) break;
        const sym = parseSymbol(item.symbol.value);
        const meta = lookupMarket(item.venue.name, item.symbol.value);
        const option = (name: string): number | undefined => {
          const v = item.options.find((o) => o.name.name === name)?.value;
          return v?.kind === 'number' ? v.value : undefined;
        };
        const info: MarketInfo = { kind: 'market', name: item.alias.name, nameRange: rangeOf(item.alias.range), venue: item.venue.name, symbol: item.symbol.value };
        if (sym) {
          info.base = sym.base;
          info.quote = sym.quote;
          if (sym.settle) info.settle = sym.settle;
        }
        const tick = option('tick') ?? meta?.tickSize;
        const lot = option('lot') ?? meta?.lotSize;
        if (tick !== undefined) info.tickSize = tick;
        if (lot !== undefined) info.lotSize = lot;
        a.markets.set(info.name, info);
        break;
      }
      case 'params':
        for (const p of item.params) {
          if (a.params.has(p.name.name) || p.name.name === '') continue;
          const info: ParamInfo = { kind: 'param', name: p.name.name, nameRange: rangeOf(p.name.range), valueText: printExpr(p.value) };
          if (p.bounds) info.boundsText = `[${printExpr(p.bounds.lo)}, ${printExpr(p.bounds.hi)}]`;
          const facts = checked?.params.get(p.name.name);
          const unit = facts && facts.type.kind !== 'error' ? describe(facts.type) : unitOf(p.value);
          if (unit) info.unit = unit;
          const comment = trailingComment(text, p.range.end.offset);
          if (comment) info.comment = comment;
          a.params.set(info.name, info);
        }
        break;
      case 'signal': {
        if (a.signals.has(item.name.name) || item.name.name === '') break;
        const info: SignalInfo = { kind: 'signal', name: item.name.name, nameRange: rangeOf(item.name.range), valueText: printExpr(item.value) };
        const unit = unitOf(item.value);
        if (unit) info.unit = unit;
        const comment = trailingComment(text, item.range.end.offset);
        if (comment) info.comment = comment;
        a.signals.set(info.name, info);
        break;
      }
      case 'quote':
        for (const e of item.entries) {
          if (e.kind !== 'binding') continue;
          const info: BindingInfo = {
            kind: 'binding', name: e.assignment.name.name, nameRange: rangeOf(e.assignment.name.range), market: item.market.name,
            scope: rangeOf(item.range), valueText: printExpr(e.assignment.value),
          };
          const unit = unitOf(e.assignment.value);
          if (unit) info.unit = unit;
          a.bindings.push(info);
        }
        break;
      case 'scenario':
        if (!a.scenarios.has(item.name.name)) a.scenarios.set(item.name.name, { kind: 'scenario', name: item.name.name, nameRange: rangeOf(item.name.range) });
        break;
      default:
        break;
    }
  }
  return a;
}

/** The `# comment` after a declaration on its own line, which authors use to document params. */
function trailingComment(text: string, from: number): string | undefined {
  const lineEnd = text.indexOf('\n', from);
  const rest = text.slice(from, lineEnd < 0 ? text.length : lineEnd);
  const m = /^[^#"]*#\s*(.*?)\s*$/.exec(rest);
  return m?.[1] ? m[1] : undefined;
}

/** True for an identifier or a contextual word (`position`, `target`…), which the language also accepts as a name. */
export function isNameToken(t: IToken | undefined): t is IToken {
  return t !== undefined && (t.tokenType === T.Identifier || t.tokenType.CATEGORIES?.includes(T.Identifier) === true);
}

/** Index of the token that contains `offset` or ends right at it (a cursor just after a word is on it). */
export function tokenIndexAt(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (!t) break;
    if (t.startOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) return -1;
  const t = tokens[found];
  if (!t) return -1;
  const end = t.startOffset + t.image.length;
  if (offset <= end) return found;
  return -1;
}

/** The symbol a name token refers to: a quote binding of the enclosing quote block first, then the file's names. */
export function resolveName(a: Analysis, name: string, offset: number): SymbolInfo | undefined {
  const binding = a.bindings.find((b) => b.name === name && offset >= b.scope.start && offset < b.scope.end);
  return binding ?? a.params.get(name) ?? a.signals.get(name) ?? a.markets.get(name) ?? a.scenarios.get(name);
}
