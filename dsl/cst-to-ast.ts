// CST → AST. Walks the concrete syntax tree chevrotain built and keeps only what later phases need,
// with a source range on every node. Files without syntax errors skip it (ast-parser.ts builds the
// same AST directly); it reads the files with errors and reports the findings below. Recovery may leave any child missing; each reader below
// tolerates that and yields an `error` expression in place of a missing value.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type { SourceRange } from './ast.js';
import type { LineIndex } from './line-index.js';
import { limits } from './limits.js';

type Children = Record<string, CstElement[] | undefined>;

function isNode(e: CstElement | undefined): e is CstNode {
  return e !== undefined && 'children' in e;
}
function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && 'image' in e;
}
// Children under one label hold either nodes or tokens, never both; these readers avoid copying
// arrays because the conversion visits every child of a 5,000-line file.
function nodes(ch: Children, key: string): CstNode[] {
  const list = ch[key];
  if (!list) return [];
  return isNode(list[0]) ? (list as CstNode[]) : list.filter(isNode);
}
function node(ch: Children, key: string, i = 0): CstNode | undefined {
  const list = ch[key];
  if (!list) return undefined;
  const e = list[i];
  return isNode(e) ? e : nodes(ch, key)[i];
}
function tokens(ch: Children, key: string): IToken[] {
  const list = ch[key];
  if (!list) return [];
  for (const e of list) if (!isToken(e) || e.isInsertedInRecovery) return list.filter((t): t is IToken => isToken(t) && !t.isInsertedInRecovery);
  return list as IToken[];
}
function token(ch: Children, key: string): IToken | undefined {
  const list = ch[key];
  if (!list) return undefined;
  for (const e of list) if (isToken(e) && !e.isInsertedInRecovery) return e;
  return undefined;
}

/** Builds ranges from offsets (line and column come from the line index); `fallback` is used where recovery left no position. */
export class RangeMaker {
  constructor(
    private readonly lines: LineIndex,
    private readonly fallback: SourceRange,
  ) {}

  private make(start: number | undefined, endInclusive: number | undefined): SourceRange {
    if (start === undefined || endInclusive === undefined || !Number.isFinite(start) || !Number.isFinite(endInclusive)) return this.fallback;
    return this.lines.range(start, endInclusive + 1);
  }

  ofToken(t: IToken | undefined): SourceRange {
    return t ? this.make(t.startOffset, t.endOffset) : this.fallback;
  }

  ofNode(n: CstNode | undefined): SourceRange {
    return n?.location ? this.make(n.location.startOffset, n.location.endOffset) : this.fallback;
  }

  ofOffsets(start: number, endInclusive: number): SourceRange {
    return this.make(start, endInclusive);
  }

  /** The source text, for skipping blanks between a prefix operator and its operand. */
  get text(): string {
    return this.lines.source;
  }

  span(a: SourceRange, b: SourceRange): SourceRange {
    if (a === this.fallback) return b;
    if (b === this.fallback) return a;
    return { start: a.start.offset <= b.start.offset ? a.start : b.start, end: a.end.offset >= b.end.offset ? a.end : b.end };
  }
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(text: string): number {
  let seconds = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    seconds += Number(m[1]) * (durationUnits[m[2] ?? 's'] ?? 1);
  }
  return seconds;
}

/** The text of a string token; an unterminated one (reported by the lexer step) has no closing quote to drop. */
export function unquote(tok: IToken): string {
  const closed = tok.tokenType.name !== 'UnterminatedString';
  return tok.image.slice(1, closed ? -1 : undefined).replace(/\\(["\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export interface SyntaxFinding {
  code: string;
  message: string;
  range: SourceRange;
}

/** [left, right] binding powers of binary operators; right > left means left-associative. */
export const infixBp: Record<string, readonly [number, number]> = {
  or: [1, 2],
  and: [3, 4],
  '<': [7, 8], '<=': [7, 8], '>': [7, 8], '>=': [7, 8], '==': [7, 8], '!=': [7, 8],
  '+': [9, 10], '-': [9, 10],
  '*': [11, 12], '/': [11, 12],
  '^': [16, 15],
};
export const prefixBp = { not: 5, minus: 13 } as const;
export const comparisons: ReadonlySet<string> = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** First offset in [from, limit) that is not white space or a comment start (ranges begin at the operand). */
export function nextNonSpace(from: number, _limit: number, r: RangeMaker): number {
  const text = r.text;
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else break;
  }
  return i;
}

export class CstToAst {
  constructor(
    private readonly r: RangeMaker,
    private readonly report: (finding: SyntaxFinding) => void,
  ) {}

  private ident(t: IToken | undefined): A.Ident | undefined {
    return t ? { name: t.image, range: this.r.ofToken(t) } : undefined;
  }

  file(n: CstNode): A.StrategyAst {
    const ch = n.children;
    const name = token(ch, 'name');
    const version = token(ch, 'version');
    return {
      name: { value: name ? unquote(name) : '', range: this.r.ofToken(name) },
      version: { value: version ? Number(version.image) : 0, range: this.r.ofToken(version) },
      items: nodes(ch, 'item').flatMap((it) => this.item(it)),
      range: this.r.ofNode(n),
    };
  }

  private item(n: CstNode): A.Item[] {
    const ch = n.children;
    // The first node under any label (one item holds one block); no flattened copy of the children.
    let inner: CstNode | undefined;
    for (const list of Object.values(ch)) {
      inner = list?.find(isNode);
      if (inner) break;
    }
    if (!inner) return [];
    switch (inner.name) {
      case 'marketDecl': return this.market(inner);
      case 'paramsBlock': return [this.params(inner)];
      case 'signalDecl': return this.signal(inner);
      case 'fairDecl': return [this.fair(inner)];
      case 'scenarioDecl': return this.scenario(inner);
      case 'quoteBlock': return this.quote(inner);
      case 'riskBlock': return [this.risk(inner)];
      case 'hedgeRule': return [this.hedge(inner)];
      case 'adaptRule': return this.adapt(inner);
      case 'stressBlock':
        return [{ kind: 'stress', names: tokens(inner.children, 'names').flatMap((t) => this.ident(t) ?? []), range: this.r.ofNode(inner) }];
      default: return [];
    }
  }

  private market(n: CstNode): A.Item[] {
    const ch = n.children;
    const alias = this.ident(token(ch, 'alias'));
    const venue = this.ident(token(ch, 'venue'));
    const symbol = token(ch, 'symbol');
    if (!alias || !venue || !symbol) return [];
    return [{
      kind: 'market',
      alias,
      venue,
      symbol: { value: unquote(symbol), range: this.r.ofToken(symbol) },
      options: nodes(ch, 'assignment').flatMap((a) => this.assignment(a)),
      range: this.r.ofNode(n),
    }];
  }

  private assignment(n: CstNode): A.Assignment[] {
    const name = this.ident(token(n.children, 'name'));
    if (!name) return [];
    return [{ name, value: this.expr(node(n.children, 'value'), n), range: this.r.ofNode(n) }];
  }

  private params(n: CstNode): A.ParamsBlock {
    const params: A.ParamDecl[] = [];
    for (const p of nodes(n.children, 'paramDecl')) {
      const ch = p.children;
      const name = this.ident(token(ch, 'name'));
      if (!name) continue;
      const lo = node(ch, 'lo');
      const hi = node(ch, 'hi');
      params.push({
        name,
        value: this.expr(node(ch, 'value'), p),
        ...(token(ch, 'In') ? { bounds: { lo: this.expr(lo, p), hi: this.expr(hi, p) } } : {}),
        range: this.r.ofNode(p),
      });
    }
    return { kind: 'params', params, range: this.r.ofNode(n) };
  }

  private signal(n: CstNode): A.Item[] {
    const name = this.ident(token(n.children, 'name'));
    if (!name) return [];
    return [{ kind: 'signal', name, value: this.expr(node(n.children, 'value'), n), range: this.r.ofNode(n) }];
  }

  private fair(n: CstNode): A.FairDecl {
    const market = this.ident(token(n.children, 'market'));
    return { kind: 'fair', ...(market ? { market } : {}), value: this.expr(node(n.children, 'value'), n), range: this.r.ofNode(n) };
  }

  private scenario(n: CstNode): A.Item[] {
    const ch = n.children;
    const name = this.ident(token(ch, 'name'));
    if (!name) return [];
    // Statements keep source order: merge the three statement kinds by offset.
    const body: A.ScenarioStatement[] = [
      ...nodes(ch, 'assignment').flatMap((a) => this.assignment(a).map((assignment): A.ScenarioStatement => ({ kind: 'override', assignment, range: assignment.range }))),
      ...tokens(ch, 'Pause').map((t): A.ScenarioStatement => ({ kind: 'pause', range: this.r.ofToken(t) })),
      ...tokens(ch, 'ReduceOnly').map((t): A.ScenarioStatement => ({ kind: 'reduce_only', range: this.r.ofToken(t) })),
    ].sort((a, b) => a.range.start.offset - b.range.start.offset);
    const opt = (key: string): A.Expr | undefined => (node(ch, key) ? this.expr(node(ch, key), n) : undefined);
    const forE = opt('for');
    const exitE = opt('exit');
    const holdE = opt('hold');
    return [{
      kind: 'scenario',
      name,
      when: this.expr(node(ch, 'when'), n),
      ...(forE ? { for: forE } : {}),
      ...(exitE ? { exitWhen: exitE } : {}),
      ...(holdE ? { hold: holdE } : {}),
      body,
      range: this.r.ofNode(n),
    }];
  }

  private quote(n: CstNode): A.Item[] {
    const ch = n.children;
    const market = this.ident(token(ch, 'market'));
    if (!market) return [];
    const entries: A.QuoteEntry[] = [];
    for (const a of nodes(ch, 'assignment')) {
      for (const assignment of this.assignment(a)) entries.push({ kind: 'binding', assignment, range: assignment.range });
    }
    for (const l of nodes(ch, 'ladderClause')) {
      entries.push({ kind: 'ladder', levels: this.expr(node(l.children, 'levels'), l), step: this.expr(node(l.children, 'step'), l), range: this.r.ofNode(l) });
    }
    for (const f of nodes(ch, 'refreshClause')) {
      const moved = node(f.children, 'moved');
      const every = node(f.children, 'every');
      entries.push({
        kind: 'refresh',
        ...(moved ? { moved: this.expr(moved, f) } : {}),
        ...(every ? { every: this.expr(every, f) } : {}),
        range: this.r.ofNode(f),
      });
    }
    for (const m of nodes(ch, 'minIntervalClause')) {
      entries.push({ kind: 'min_interval', value: this.expr(node(m.children, 'value'), m), range: this.r.ofNode(m) });
    }
    for (const s of nodes(ch, 'smoothClause')) {
      entries.push({ kind: 'smooth', method: 'ema', value: this.expr(node(s.children, 'value'), s), range: this.r.ofNode(s) });
    }
    entries.sort((a, b) => a.range.start.offset - b.range.start.offset);
    return [{ kind: 'quote', market, entries, range: this.r.ofNode(n) }];
  }

  private action(n: CstNode): A.RiskAction {
    const ac = node(n.children, 'actionClause');
    const t = ac ? token(ac.children, 'action') : undefined;
    return { name: (t?.image ?? 'reject') as A.RiskActionName, range: t ? this.r.ofToken(t) : this.r.ofNode(n) };
  }

  private risk(n: CstNode): A.RiskBlock {
    const rules: A.RiskRuleAst[] = [];
    const ch = n.children;
    const all = (['positionLimit', 'notionalLimit', 'creditLimit', 'lossLimit', 'drawdownLimit', 'orderRateLimit', 'priceBand', 'conditionRule'] as const)
      .flatMap((k) => nodes(ch, k))
      .sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
    for (const rn of all) {
      const c = rn.children;
      // A rule whose action is missing was cut short by an error already reported.
      if (!node(c, 'actionClause')) continue;
      const market = this.ident(token(c, 'market'));
      const m = market ? { market } : {};
      const range = this.r.ofNode(rn);
      const action = this.action(rn);
      const limit = (): A.Expr => this.expr(node(c, 'limit'), rn);
      switch (rn.name) {
        case 'positionLimit':
          rules.push({ kind: 'position', ...m, side: (token(c, 'side')?.image ?? 'abs') as 'abs' | 'long' | 'short', limit: limit(), action, range });
          break;
        case 'notionalLimit':
          rules.push({ kind: 'notional', ...m, limit: limit(), action, range });
          break;
        case 'creditLimit': {
          const venue = this.ident(token(c, 'venue'));
          if (venue) rules.push({ kind: 'credit', venue, limit: limit(), action, range });
          break;
        }
        case 'lossLimit':
          rules.push({ kind: 'loss', period: (token(c, 'period')?.image ?? 'daily') as 'daily' | 'total', limit: limit(), action, range });
          break;
        case 'drawdownLimit':
          rules.push({ kind: 'drawdown', limit: limit(), action, range });
          break;
        case 'orderRateLimit':
          rules.push({ kind: 'order_rate', ...m, limit: limit(), per: this.expr(node(c, 'per'), rn), action, range });
          break;
        case 'priceBand':
          rules.push({ kind: 'price_band', ...m, width: this.expr(node(c, 'width'), rn), reference: this.expr(node(c, 'reference'), rn), action, range });
          break;
        case 'conditionRule':
          rules.push({ kind: 'condition', condition: this.expr(node(c, 'condition'), rn), action, range });
          break;
      }
    }
    return { kind: 'risk', rules, range: this.r.ofNode(n) };
  }

  private hedge(n: CstNode): A.HedgeDecl {
    const ch = n.children;
    const repeated: SourceRange[] = [];
    const once = <T>(items: T[], rangeOf: (x: T) => SourceRange): T | undefined => {
      for (const extra of items.slice(1)) repeated.push(rangeOf(extra));
      return items[0];
    };
    const exprOnce = (key: string): A.Expr | undefined => {
      const e = once(nodes(ch, key), (x) => this.r.ofNode(x));
      return e ? this.expr(e, n) : undefined;
    };
    const source = this.ident(token(ch, 'market'));
    const on = this.ident(once(tokens(ch, 'on'), (t) => this.r.ofToken(t)));
    const viaTok = once(tokens(ch, 'via'), (t) => this.r.ofToken(t));
    const ratio = exprOnce('ratio');
    const target = exprOnce('target');
    const slippage = exprOnce('slippage');
    return {
      kind: 'hedge',
      ...(source ? { source } : {}),
      when: this.expr(node(ch, 'when'), n),
      ...(on ? { on } : {}),
      ...(ratio ? { ratio } : {}),
      ...(target ? { target } : {}),
      ...(viaTok ? { via: { value: viaTok.image as 'taker' | 'maker', range: this.r.ofToken(viaTok) } } : {}),
      ...(slippage ? { slippage } : {}),
      repeated,
      range: this.r.ofNode(n),
    };
  }

  private adapt(n: CstNode): A.Item[] {
    const ch = n.children;
    const param = this.ident(token(ch, 'param'));
    if (!param) return [];
    const withinTok = token(ch, 'Within');
    let within: A.AdaptDecl['within'];
    if (withinTok) {
      const own = token(ch, 'ownBounds');
      const lo = node(ch, 'lo');
      within = own
        ? { kind: 'own', range: this.r.span(this.r.ofToken(withinTok), this.r.ofToken(own)) }
        : { kind: 'range', lo: this.expr(lo, n), hi: this.expr(node(ch, 'hi'), n), range: this.r.ofToken(withinTok) };
    }
    const rate = node(ch, 'rate');
    return [{
      kind: 'adapt',
      param,
      toward: this.expr(node(ch, 'toward'), n),
      ...(within ? { within } : {}),
      every: this.expr(node(ch, 'every'), n),
      ...(rate ? { rate: this.expr(rate, n) } : {}),
      range: this.r.ofNode(n),
    }];
  }

  // ---- expressions ----

  /** Any expression-level CST node → Expr; a missing node becomes an error placeholder. */
  expr(n: CstNode | undefined, parent: CstNode): A.Expr {
    if (!n) return { kind: 'error', range: this.r.ofNode(parent) };
    const ch = n.children;
    switch (n.name) {
      case 'expression': {
        const inner = node(ch, 'ifExpr') ?? node(ch, 'chain');
        return this.expr(inner, n);
      }
      case 'ifExpr':
        return {
          kind: 'if',
          cond: this.expr(node(ch, 'cond'), n),
          then: this.expr(node(ch, 'then'), n),
          else: this.expr(node(ch, 'else'), n),
          range: this.r.ofNode(n),
        };
      case 'chain':
      case 'additive':
        return this.chain(n);
      case 'operand':
        return this.operand(n);
      default:
        return { kind: 'error', range: this.r.ofNode(n) };
    }
  }

  /**
   * A flat operand/operator chain → a tree, by precedence climbing (Pratt). Binding powers, loosest
   * first: or, and, prefix not, comparisons (which do not chain), + −, × ÷, prefix −, ^ (right
   * associative; binds tighter than a prefix minus on its left: -x^2 = -(x^2), 2^-1 = 2^(-1)).
   */
  private chain(n: CstNode): A.Expr {
    const operands = nodes(n.children, 'operands');
    const ops = tokens(n.children, 'ops');
    const range = this.r.ofNode(n);
    if (ops.length > limits.maxChainLength) {
      this.report({ code: 'Q1005', range, message: `this expression has ${ops.length} operators; the limit is ${limits.maxChainLength}` });
      return { kind: 'error', range };
    }
    if (operands.length === 1 && ops.length === 0) return this.expr(operands[0], n);
    // Items in source order: each operand's prefix operators, the operand, then the next operator.
    const items: Array<IToken | CstNode> = [];
    operands.forEach((o, i) => {
      items.push(...tokens(o.children, 'prefix'), o);
      const op = ops[i];
      if (op) items.push(op);
    });
    let pos = 0;
    const parse = (minBp: number): A.Expr => {
      const item = items[pos++];
      let lhs: A.Expr;
      if (item === undefined) return { kind: 'error', range };
      if (isToken(item)) {
        const op = item.image === 'not' ? 'not' : '-';
        const operand = parse(op === 'not' ? prefixBp.not : prefixBp.minus);
        lhs = { kind: 'unary', op, operand, range: this.r.span(this.r.ofToken(item), operand.range) };
      } else {
        lhs = this.value(item);
      }
      for (;;) {
        const next = items[pos];
        if (next === undefined || !isToken(next)) break;
        const bp = infixBp[next.image];
        if (!bp || bp[0] < minBp) break;
        pos++;
        const rhs = parse(bp[1]);
        const op = next.image as A.BinaryOp;
        if (comparisons.has(op) && lhs.kind === 'binary' && comparisons.has(lhs.op)) {
          this.report({ code: 'Q1002', range: this.r.ofToken(next), message: `comparisons do not chain: write a ${lhs.op} b and b ${op} c` });
          return { kind: 'error', range };
        }
        lhs = { kind: 'binary', op, left: lhs, right: rhs, opRange: this.r.ofToken(next), range: this.r.span(lhs.range, rhs.range) };
      }
      return lhs;
    };
    return parse(0);
  }

  /** An operand outside a chain (event … within X): its prefix operators, innermost last. */
  private operand(n: CstNode): A.Expr {
    let e = this.value(n);
    const prefix = tokens(n.children, 'prefix');
    for (let i = prefix.length - 1; i >= 0; i--) {
      const t = prefix[i];
      if (!t) continue;
      e = { kind: 'unary', op: t.image === 'not' ? 'not' : '-', operand: e, range: this.r.span(this.r.ofToken(t), e.range) };
    }
    return e;
  }

  /** The value of an operand, without its prefix operators. */
  private value(n: CstNode): A.Expr {
    const ch = n.children;
    const prefix = tokens(ch, 'prefix');
    const last = prefix[prefix.length - 1];
    // The operand's range minus its prefix operators.
    const whole = this.r.ofNode(n);
    const range = last && last.endOffset !== undefined && n.location ? this.r.ofOffsets(nextNonSpace(last.endOffset + 1, n.location.startOffset, this.r), n.location.endOffset ?? last.endOffset) : whole;
    const stray = token(ch, 'strayMember');
    if (stray) {
      this.report({ code: 'Q1006', range, message: `'.${stray.image}' can only follow a market alias, as in m.${stray.image}` });
      return { kind: 'error', range };
    }
    const num = token(ch, 'number');
    if (num) {
      const unit = this.ident(token(ch, 'unit'));
      return { kind: 'number', value: Number(num.image), text: num.image, ...(unit ? { unit } : {}), range };
    }
    const dur = token(ch, 'Duration');
    if (dur) return { kind: 'duration', seconds: parseDuration(dur.image), text: dur.image, range };
    if (token(ch, 'True')) return { kind: 'bool', value: true, range };
    if (token(ch, 'False')) return { kind: 'bool', value: false, range };
    const str = token(ch, 'StringLiteral');
    if (str) return { kind: 'string', value: unquote(str), range };
    const ev = node(ch, 'eventExpr');
    if (ev) {
      const nameTok = token(ev.children, 'name');
      return {
        kind: 'event',
        name: nameTok ? unquote(nameTok) : '',
        nameRange: this.r.ofToken(nameTok),
        within: this.expr(node(ev.children, 'within'), ev),
        range: this.r.ofNode(ev),
      };
    }
    const nameTok = token(ch, 'name');
    if (nameTok) {
      const name = { name: nameTok.image, range: this.r.ofToken(nameTok) };
      const member = this.ident(token(ch, 'member'));
      if (member) {
        const margs = node(ch, 'memberArgs');
        if (margs) return { kind: 'call', callee: { kind: 'method', object: name, member }, args: this.args(margs), range };
        return { kind: 'member', object: name, member, range };
      }
      const args = node(ch, 'args');
      if (args) return { kind: 'call', callee: { kind: 'function', name }, args: this.args(args), range };
      return { kind: 'name', name: name.name, range: name.range };
    }
    const inner = node(ch, 'inner');
    if (inner) return { kind: 'paren', inner: this.expr(inner, n), range };
    return { kind: 'error', range };
  }

  private args(n: CstNode): A.Arg[] {
    return nodes(n.children, 'argument').map((a) => {
      const name = this.ident(token(a.children, 'name'));
      return { ...(name ? { name } : {}), value: this.expr(node(a.children, 'value'), a), range: this.r.ofNode(a) };
    });
  }


}
