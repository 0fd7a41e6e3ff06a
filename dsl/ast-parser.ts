// The fast path of parsing: the grammar of parser.ts as a chevrotain EmbeddedActionsParser that
// builds the AST directly, with no CST in between and no error recovery. Most files the compiler
// sees have no syntax errors, and on a 5,000-line file chevrotain's CST and its conversion
// (cst-to-ast.ts) were most of the parse time and a third of the compile's allocation.
//
// It only answers for files the recovering parser would read without complaint: at the first syntax
// error, or at anything cst-to-ast.ts reports (a chain that is too long, chained comparisons, a
// field after a call), it gives up and parse.ts runs the recovering CstParser and cst-to-ast.ts, so
// every diagnostic and every recovery still comes from that one path. For the files it does accept,
// the grammar is the same (same rules, alternatives, gates and lookahead), so chevrotain takes the
// same decisions; each rule below builds what cst-to-ast.ts builds from the matching CST node, with
// the same ranges and the same key order. A change to the grammar goes into both files.
import { EmbeddedActionsParser, type IOrAlt, type IToken, type TokenType } from 'chevrotain';
import type * as A from './ast.js';
import type { SourceRange } from './ast.js';
import { RangeMaker, comparisons, infixBp, nextNonSpace, parseDuration, prefixBp, unquote } from './cst-to-ast.js';
import { LineIndex } from './line-index.js';
import { limits } from './limits.js';
import * as T from './tokens.js';

/** Thrown (never outside parse.ts) when a file needs the recovering parser. */
class NeedsFullParse extends Error {}
const needsFullParse = new NeedsFullParse('needs the recovering parser');

export function isNeedsFullParse(err: unknown): boolean {
  return err === needsFullParse;
}

type Alts<T> = IOrAlt<T>[];

/** What follows a name in an operand: call arguments, or `.member` with optional arguments. */
type NameSuffix = { args: A.Arg[] } | { member: IToken; memberArgs: A.Arg[] | undefined };

/** A rule's result while chevrotain records the grammar (its actions see placeholder values then). */
const recording = undefined as never;

const riskActions = [T.Reject, T.Throttle, T.ReduceOnly, T.Halt, T.CancelAll] as const;

export class AstParser extends EmbeddedActionsParser {
  /** Line lookup for the current input (a unit must sit on its number's line). Set before each parse. */
  lines: LineIndex = new LineIndex('');
  /** Ranges for the current input. Set before each parse. */
  ranges: RangeMaker = new RangeMaker(this.lines, this.lines.range(0, 0));

  /** Operators and operands of the chains being read, innermost chain on top: [op, prefixes, value]… */
  private readonly chainStack: Array<IToken | IToken[] | A.Expr | undefined> = [];
  /** Arguments of the calls being read, innermost call on top. */
  private readonly argStack: A.Arg[] = [];
  /** Prefix operators of the operand just read (undefined when it had none). */
  private lastPrefixes: IToken[] | undefined;

  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, { recoveryEnabled: false, maxLookahead: 3, skipValidations: options.validate !== true });
    this.performSelfAnalysis();
  }

  /** Parses `tokens` into an AST, or returns undefined when the file needs the recovering parser. */
  parseFile(tokens: IToken[], lines: LineIndex, ranges: RangeMaker): A.StrategyAst | undefined {
    this.lines = lines;
    this.ranges = ranges;
    this.chainStack.length = 0;
    this.argStack.length = 0;
    this.input = tokens;
    try {
      const ast = this.file();
      return this.errors.length === 0 ? ast : undefined;
    } catch (err) {
      if (isNeedsFullParse(err) || err instanceof RangeError) return undefined;
      throw err;
    }
  }

  // ---- helpers (never called while recording) ----

  /** The range of the rule that started at `start` and has just consumed its last token. */
  private rangeFrom(start: number): SourceRange {
    return this.ranges.ofOffsets(start, this.LA(0).endOffset ?? NaN);
  }

  private ident(t: IToken): A.Ident {
    return { name: t.image, range: this.ranges.ofToken(t) };
  }

  private wrapPrefixes(value: A.Expr, prefixes: IToken[] | undefined): A.Expr {
    let e = value;
    if (!prefixes) return e;
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const t = prefixes[i];
      if (!t) continue;
      e = { kind: 'unary', op: t.image === 'not' ? 'not' : '-', operand: e, range: this.ranges.span(this.ranges.ofToken(t), e.range) };
    }
    return e;
  }

  // ---- the grammar: parser.ts, rule for rule ----

  public file = this.RULE('file', (): A.StrategyAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Strategy);
    const name = this.CONSUME(T.StringLiteral);
    this.CONSUME(T.Version);
    const version = this.CONSUME(T.NumberLiteral);
    this.CONSUME(T.LBrace);
    const items: A.Item[] = [];
    this.MANY(() => {
      const item = this.SUBRULE(this.item);
      if (item) items.push(item);
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    return {
      name: { value: unquote(name), range: this.ranges.ofToken(name) },
      version: { value: Number(version.image), range: this.ranges.ofToken(version) },
      items,
      range: this.rangeFrom(start),
    };
  });

  private readonly itemAlts: Alts<A.Item | undefined> = [
    { ALT: () => this.SUBRULE(this.marketDecl) },
    { ALT: () => this.SUBRULE(this.paramsBlock) },
    { ALT: () => this.SUBRULE(this.signalDecl) },
    { ALT: () => this.SUBRULE(this.fairDecl) },
    { ALT: () => this.SUBRULE(this.scenarioDecl) },
    { ALT: () => this.SUBRULE(this.quoteBlock) },
    { ALT: () => this.SUBRULE(this.riskBlock) },
    { ALT: () => this.SUBRULE(this.hedgeRule) },
    { ALT: () => this.SUBRULE(this.adaptRule) },
    { ALT: () => this.SUBRULE(this.stressBlock) },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  private item = this.RULE('item', (): A.Item | undefined => this.OR(this.itemAlts));

  private readonly stressAlts: Alts<IToken | undefined> = [
    { ALT: () => this.CONSUME(T.Identifier) },
    { ALT: () => { this.CONSUME(T.Comma); return undefined; } },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  private stressBlock = this.RULE('stressBlock', (): A.StressBlock => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Stress);
    this.CONSUME(T.LBrace);
    const names: A.Ident[] = [];
    this.MANY(() => {
      const t = this.OR(this.stressAlts);
      if (t && !this.RECORDING_PHASE) names.push(this.ident(t));
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'stress', names, range: this.rangeFrom(start) };
  });

  private marketDecl = this.RULE('marketDecl', (): A.MarketDecl => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Market);
    const alias = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const venue = this.CONSUME2(T.Identifier);
    this.CONSUME(T.Colon);
    const symbol = this.CONSUME(T.StringLiteral);
    const options: A.Assignment[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        const a = this.OR(this.marketEntryAlts);
        if (a) options.push(a);
      });
      this.CONSUME(T.RBrace);
    });
    if (this.RECORDING_PHASE) return recording;
    return {
      kind: 'market',
      alias: this.ident(alias),
      venue: this.ident(venue),
      symbol: { value: unquote(symbol), range: this.ranges.ofToken(symbol) },
      options,
      range: this.rangeFrom(start),
    };
  });

  private readonly marketEntryAlts: Alts<A.Assignment | undefined> = [
    { ALT: () => this.SUBRULE(this.assignment) },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  private assignment = this.RULE('assignment', (): A.Assignment => {
    const start = this.LA(1).startOffset;
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expression);
    this.OPTION(this.optionalSemicolon);
    if (this.RECORDING_PHASE) return recording;
    return { name: this.ident(name), value, range: this.rangeFrom(start) };
  });

  private readonly optionalSemicolon = (): void => {
    this.CONSUME(T.Semicolon);
  };

  private paramsBlock = this.RULE('paramsBlock', (): A.ParamsBlock => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Params);
    this.CONSUME(T.LBrace);
    const params: A.ParamDecl[] = [];
    this.MANY(() => {
      const p = this.OR(this.paramEntryAlts);
      if (p) params.push(p);
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'params', params, range: this.rangeFrom(start) };
  });

  private readonly paramEntryAlts: Alts<A.ParamDecl | undefined> = [
    { ALT: () => this.SUBRULE(this.paramDecl) },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  private paramDecl = this.RULE('paramDecl', (): A.ParamDecl => {
    const start = this.LA(1).startOffset;
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expression);
    let bounds: { lo: A.Expr; hi: A.Expr } | undefined;
    this.OPTION(() => {
      this.CONSUME(T.In);
      this.CONSUME(T.LBracket);
      const lo = this.SUBRULE2(this.expression);
      this.CONSUME(T.Comma);
      const hi = this.SUBRULE3(this.expression);
      this.CONSUME(T.RBracket);
      bounds = { lo, hi };
    });
    this.OPTION2(this.optionalSemicolon);
    if (this.RECORDING_PHASE) return recording;
    const range = this.rangeFrom(start);
    return bounds ? { name: this.ident(name), value, bounds, range } : { name: this.ident(name), value, range };
  });

  private signalDecl = this.RULE('signalDecl', (): A.SignalDecl => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Signal);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expression);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'signal', name: this.ident(name), value, range: this.rangeFrom(start) };
  });

  private fairDecl = this.RULE('fairDecl', (): A.FairDecl => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Fair);
    const market = this.OPTION(() => this.CONSUME(T.Identifier));
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expression);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'fair', ...(market ? { market: this.ident(market) } : {}), value, range: this.rangeFrom(start) };
  });

  private scenarioDecl = this.RULE('scenarioDecl', (): A.ScenarioDecl => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Scenario);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.When);
    const when = this.SUBRULE(this.expression);
    const forE = this.OPTION(() => {
      this.CONSUME(T.For);
      return this.SUBRULE2(this.expression);
    });
    const exitE = this.OPTION2(() => {
      this.CONSUME(T.Exit);
      this.CONSUME2(T.When);
      return this.SUBRULE3(this.expression);
    });
    const holdE = this.OPTION3(() => {
      this.CONSUME(T.Hold);
      return this.SUBRULE4(this.expression);
    });
    this.CONSUME(T.LBrace);
    const body: A.ScenarioStatement[] = [];
    this.MANY(() => {
      const st = this.OR(this.scenarioEntryAlts);
      if (st) body.push(st);
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    return {
      kind: 'scenario',
      name: this.ident(name),
      when,
      ...(forE ? { for: forE } : {}),
      ...(exitE ? { exitWhen: exitE } : {}),
      ...(holdE ? { hold: holdE } : {}),
      body,
      range: this.rangeFrom(start),
    };
  });

  private readonly scenarioEntryAlts: Alts<A.ScenarioStatement | undefined> = [
    {
      ALT: () => {
        const assignment = this.SUBRULE(this.assignment);
        return this.RECORDING_PHASE ? recording : { kind: 'override', assignment, range: assignment.range };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.Pause);
        return this.RECORDING_PHASE ? recording : { kind: 'pause', range: this.ranges.ofToken(t) };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.ReduceOnly);
        return this.RECORDING_PHASE ? recording : { kind: 'reduce_only', range: this.ranges.ofToken(t) };
      },
    },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  private quoteBlock = this.RULE('quoteBlock', (): A.QuoteBlock => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Quote);
    const market = this.CONSUME(T.Identifier);
    this.CONSUME(T.LBrace);
    const entries: A.QuoteEntry[] = [];
    this.MANY(() => {
      const e = this.OR(this.quoteEntryAlts);
      if (e) entries.push(e);
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'quote', market: this.ident(market), entries, range: this.rangeFrom(start) };
  });

  private readonly quoteEntryAlts: Alts<A.QuoteEntry | undefined> = [
    {
      ALT: () => {
        const assignment = this.SUBRULE(this.assignment);
        return this.RECORDING_PHASE ? recording : { kind: 'binding', assignment, range: assignment.range };
      },
    },
    { ALT: () => this.SUBRULE(this.ladderClause) },
    { ALT: () => this.SUBRULE(this.refreshClause) },
    { ALT: () => this.SUBRULE(this.minIntervalClause) },
    { ALT: () => this.SUBRULE(this.smoothClause) },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  private ladderClause = this.RULE('ladderClause', (): A.QuoteEntry => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Ladder);
    const levels = this.SUBRULE(this.additive);
    this.CONSUME(T.Step);
    const step = this.SUBRULE2(this.additive);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'ladder', levels, step, range: this.rangeFrom(start) };
  });

  private refreshClause = this.RULE('refreshClause', (): A.QuoteEntry => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Refresh);
    let moved: A.Expr | undefined;
    let every: A.Expr | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.When);
          this.CONSUME(T.Moved);
          this.CONSUME(T.Greater);
          moved = this.SUBRULE(this.additive);
          this.OPTION(() => {
            this.CONSUME(T.Or);
            this.CONSUME(T.Every);
            every = this.SUBRULE2(this.additive);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Every);
          every = this.SUBRULE3(this.additive);
        },
      },
    ]);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'refresh', ...(moved ? { moved } : {}), ...(every ? { every } : {}), range: this.rangeFrom(start) };
  });

  private minIntervalClause = this.RULE('minIntervalClause', (): A.QuoteEntry => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.MinInterval);
    const value = this.SUBRULE(this.additive);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'min_interval', value, range: this.rangeFrom(start) };
  });

  private smoothClause = this.RULE('smoothClause', (): A.QuoteEntry => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Smooth);
    this.CONSUME(T.Ema);
    const value = this.SUBRULE(this.additive);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'smooth', method: 'ema', value, range: this.rangeFrom(start) };
  });

  private riskBlock = this.RULE('riskBlock', (): A.RiskBlock => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Risk);
    this.CONSUME(T.LBrace);
    const rules: A.RiskRuleAst[] = [];
    this.MANY(() => {
      const r = this.OR(this.riskEntryAlts);
      if (r) rules.push(r);
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'risk', rules, range: this.rangeFrom(start) };
  });

  private readonly riskEntryAlts: Alts<A.RiskRuleAst | undefined> = [
    { ALT: () => this.SUBRULE(this.positionLimit) },
    { ALT: () => this.SUBRULE(this.notionalLimit) },
    { ALT: () => this.SUBRULE(this.creditLimit) },
    { ALT: () => this.SUBRULE(this.lossLimit) },
    { ALT: () => this.SUBRULE(this.drawdownLimit) },
    { ALT: () => this.SUBRULE(this.orderRateLimit) },
    { ALT: () => this.SUBRULE(this.priceBand) },
    { ALT: () => this.SUBRULE(this.conditionRule) },
    { ALT: () => { this.CONSUME(T.Semicolon); return undefined; } },
  ];

  /** An optional market alias in a clause (occurrence index 9, as in parser.ts). */
  private marketRef(): { market: A.Ident } | Record<string, never> {
    const t = this.OPTION9(this.marketRefOption);
    return t && !this.RECORDING_PHASE ? { market: this.ident(t) } : {};
  }

  private readonly marketRefOption = {
    GATE: () => this.LA(1).tokenType === T.Identifier,
    DEF: () => this.CONSUME9(T.Identifier),
  };

  private actionClause = this.RULE('actionClause', (): A.RiskAction => {
    this.CONSUME(T.Arrow);
    const t = this.OR(this.actionAlts);
    if (this.RECORDING_PHASE) return recording;
    return { name: t.image as A.RiskActionName, range: this.ranges.ofToken(t) };
  });

  private readonly actionAlts: Alts<IToken> = riskActions.map((t) => ({ ALT: () => this.CONSUME(t) }));

  private positionLimit = this.RULE('positionLimit', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Position);
    const m = this.marketRef();
    const side = this.OPTION(() => this.OR(this.sideAlts));
    this.CONSUME9(T.LessEq);
    const limit = this.SUBRULE9(this.expression);
    const action = this.SUBRULE8(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'position', ...m, side: (side?.image ?? 'abs') as 'abs' | 'long' | 'short', limit, action, range: this.rangeFrom(start) };
  });

  private readonly sideAlts: Alts<IToken> = [
    { ALT: () => this.CONSUME(T.Abs) },
    { ALT: () => this.CONSUME(T.Long) },
    { ALT: () => this.CONSUME(T.Short) },
  ];

  private notionalLimit = this.RULE('notionalLimit', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Notional);
    const m = this.marketRef();
    this.CONSUME9(T.LessEq);
    const limit = this.SUBRULE9(this.expression);
    const action = this.SUBRULE8(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'notional', ...m, limit, action, range: this.rangeFrom(start) };
  });

  private creditLimit = this.RULE('creditLimit', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Credit);
    const venue = this.CONSUME(T.Identifier);
    this.CONSUME9(T.LessEq);
    const limit = this.SUBRULE9(this.expression);
    const action = this.SUBRULE8(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'credit', venue: this.ident(venue), limit, action, range: this.rangeFrom(start) };
  });

  private lossLimit = this.RULE('lossLimit', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Loss);
    const period = this.OPTION(() => this.OR(this.periodAlts));
    this.CONSUME9(T.LessEq);
    const limit = this.SUBRULE9(this.expression);
    const action = this.SUBRULE8(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'loss', period: (period?.image ?? 'daily') as 'daily' | 'total', limit, action, range: this.rangeFrom(start) };
  });

  private readonly periodAlts: Alts<IToken> = [
    { ALT: () => this.CONSUME(T.Daily) },
    { ALT: () => this.CONSUME(T.Total) },
  ];

  private drawdownLimit = this.RULE('drawdownLimit', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Drawdown);
    this.CONSUME9(T.LessEq);
    const limit = this.SUBRULE9(this.expression);
    const action = this.SUBRULE8(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'drawdown', limit, action, range: this.rangeFrom(start) };
  });

  private orderRateLimit = this.RULE('orderRateLimit', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Orders);
    const m = this.marketRef();
    this.CONSUME(T.LessEq);
    const limit = this.SUBRULE(this.additive);
    this.CONSUME(T.Per);
    const per = this.SUBRULE2(this.additive);
    const action = this.SUBRULE(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'order_rate', ...m, limit, per, action, range: this.rangeFrom(start) };
  });

  private priceBand = this.RULE('priceBand', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Price);
    const m = this.marketRef();
    this.CONSUME(T.Within);
    const width = this.SUBRULE(this.additive);
    this.CONSUME(T.Of);
    const reference = this.SUBRULE2(this.expression);
    const action = this.SUBRULE(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'price_band', ...m, width, reference, action, range: this.rangeFrom(start) };
  });

  private conditionRule = this.RULE('conditionRule', (): A.RiskRuleAst => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.When);
    const condition = this.SUBRULE(this.expression);
    const action = this.SUBRULE(this.actionClause);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'condition', condition, action, range: this.rangeFrom(start) };
  });

  // Clauses given twice keep the first; the others' ranges go to `repeated`, grouped by clause in
  // the order cst-to-ast.ts reports them (on, via, ratio, target, slippage).
  private hedgeRule = this.RULE('hedgeRule', (): A.HedgeDecl => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Hedge);
    const source = this.marketRef();
    this.CONSUME(T.When);
    const when = this.SUBRULE(this.expression);
    this.CONSUME(T.LBrace);
    const on: IToken[] = [];
    const via: IToken[] = [];
    // Each expression with the range of its whole clause value, as cst-to-ast.ts reports repeats.
    const ratio: Array<[A.Expr, number, number]> = [];
    const target: Array<[A.Expr, number, number]> = [];
    const slippage: Array<[A.Expr, number, number]> = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.On);
            on.push(this.CONSUME(T.Identifier));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Ratio);
            const at = this.LA(1).startOffset;
            ratio.push([this.SUBRULE2(this.expression), at, this.LA(0).endOffset ?? NaN]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Target);
            const at = this.LA(1).startOffset;
            target.push([this.SUBRULE3(this.expression), at, this.LA(0).endOffset ?? NaN]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Via);
            via.push(this.OR2([
              { ALT: () => this.CONSUME(T.Taker) },
              { ALT: () => this.CONSUME(T.Maker) },
            ]));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Slippage);
            const at = this.LA(1).startOffset;
            slippage.push([this.SUBRULE4(this.expression), at, this.LA(0).endOffset ?? NaN]);
          },
        },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]);
    });
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return recording;
    const repeated: SourceRange[] = [];
    for (const t of [on, via]) for (const extra of t.slice(1)) repeated.push(this.ranges.ofToken(extra));
    for (const e of [ratio, target, slippage]) for (const [, at, end] of e.slice(1)) repeated.push(this.ranges.ofOffsets(at, end));
    const onTok = on[0];
    const viaTok = via[0];
    return {
      kind: 'hedge',
      ...('market' in source ? { source: source.market } : {}),
      when,
      ...(onTok ? { on: this.ident(onTok) } : {}),
      ...(ratio[0] ? { ratio: ratio[0][0] } : {}),
      ...(target[0] ? { target: target[0][0] } : {}),
      ...(viaTok ? { via: { value: viaTok.image as 'taker' | 'maker', range: this.ranges.ofToken(viaTok) } } : {}),
      ...(slippage[0] ? { slippage: slippage[0][0] } : {}),
      repeated,
      range: this.rangeFrom(start),
    };
  });

  private adaptRule = this.RULE('adaptRule', (): A.AdaptDecl => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Adapt);
    const param = this.CONSUME(T.Identifier);
    this.CONSUME(T.Toward);
    const toward = this.SUBRULE(this.expression);
    let within: A.AdaptDecl['within'];
    this.OPTION(() => {
      const withinTok = this.CONSUME(T.Within);
      this.OR([
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Its));
            const own = this.CONSUME(T.Bounds);
            if (!this.RECORDING_PHASE) within = { kind: 'own', range: this.ranges.span(this.ranges.ofToken(withinTok), this.ranges.ofToken(own)) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const lo = this.SUBRULE2(this.expression);
            this.CONSUME(T.Comma);
            const hi = this.SUBRULE3(this.expression);
            this.CONSUME(T.RBracket);
            if (!this.RECORDING_PHASE) within = { kind: 'range', lo, hi, range: this.ranges.ofToken(withinTok) };
          },
        },
      ]);
    });
    this.CONSUME(T.Every);
    const every = this.SUBRULE(this.additive);
    const rate = this.OPTION3(() => {
      this.CONSUME(T.Rate);
      return this.SUBRULE2(this.additive);
    });
    if (this.RECORDING_PHASE) return recording;
    return {
      kind: 'adapt',
      param: this.ident(param),
      toward,
      ...(within ? { within } : {}),
      every,
      ...(rate ? { rate } : {}),
      range: this.rangeFrom(start),
    };
  });

  // ---- expressions ----

  /** As parser.ts: an operator followed by `name =` never continues an expression. */
  private continuesExpression(): boolean {
    return !(nameTokens.has(this.LA(2).tokenType) && this.LA(3).tokenType === T.Equals);
  }

  private readonly expressionAlts: Alts<A.Expr> = [
    { ALT: () => this.SUBRULE(this.ifExpr) },
    { ALT: () => this.SUBRULE(this.chain) },
  ];

  public expression = this.RULE('expression', (): A.Expr => this.OR(this.expressionAlts));

  private ifExpr = this.RULE('ifExpr', (): A.Expr => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.If);
    const cond = this.SUBRULE(this.expression);
    this.CONSUME(T.Then);
    const then = this.SUBRULE2(this.expression);
    this.CONSUME(T.Else);
    const otherwise = this.SUBRULE3(this.expression);
    if (this.RECORDING_PHASE) return recording;
    return { kind: 'if', cond, then, else: otherwise, range: this.rangeFrom(start) };
  });

  private chain = this.RULE('chain', (): A.Expr => {
    const start = this.LA(1).startOffset;
    const first = this.SUBRULE(this.operand);
    const prefixes = this.lastPrefixes;
    const base = this.chainStack.length;
    this.MANY(this.chainTail);
    if (this.RECORDING_PHASE) return recording;
    return this.endChain(start, first, prefixes, base);
  });

  private readonly chainTail = {
    GATE: () => this.continuesExpression(),
    DEF: () => {
      const op = this.CONSUME(T.BinaryOperator);
      const value = this.SUBRULE2(this.operand);
      this.chainStack.push(op, this.lastPrefixes, value);
    },
  };

  public additive = this.RULE('additive', (): A.Expr => {
    const start = this.LA(1).startOffset;
    const first = this.SUBRULE(this.operand);
    const prefixes = this.lastPrefixes;
    const base = this.chainStack.length;
    this.MANY(this.additiveTail);
    if (this.RECORDING_PHASE) return recording;
    return this.endChain(start, first, prefixes, base);
  });

  private readonly additiveTail = {
    GATE: () => this.continuesExpression(),
    DEF: () => {
      const op = this.CONSUME(T.ArithmeticOperator);
      const value = this.SUBRULE2(this.operand);
      this.chainStack.push(op, this.lastPrefixes, value);
    },
  };

  /**
   * A chain read: one operand alone is that operand with its prefixes; otherwise the operators go
   * through the precedence climbing of cst-to-ast.ts (`CstToAst.chain`), on the same items.
   */
  private endChain(start: number, first: A.Expr, firstPrefixes: IToken[] | undefined, base: number): A.Expr {
    if (this.chainStack.length === base) return this.wrapPrefixes(first, firstPrefixes);
    const tail = this.chainStack.splice(base);
    const opCount = tail.length / 3;
    // Too long a chain, and chained comparisons below, are reported by cst-to-ast.ts.
    if (opCount > limits.maxChainLength) throw needsFullParse;
    const items: Array<IToken | A.Expr> = [];
    if (firstPrefixes) items.push(...firstPrefixes);
    items.push(first);
    for (let i = 0; i < tail.length; i += 3) {
      items.push(tail[i] as IToken);
      const prefixes = tail[i + 1] as IToken[] | undefined;
      if (prefixes) items.push(...prefixes);
      items.push(tail[i + 2] as A.Expr);
    }
    const r = this.ranges;
    const chainRange = (): SourceRange => this.ranges.ofOffsets(start, this.LA(0).endOffset ?? NaN);
    let pos = 0;
    const parse = (minBp: number): A.Expr => {
      const item = items[pos++];
      let lhs: A.Expr;
      if (item === undefined) return { kind: 'error', range: chainRange() };
      if (isToken(item)) {
        const op = item.image === 'not' ? 'not' : '-';
        const operand = parse(op === 'not' ? prefixBp.not : prefixBp.minus);
        lhs = { kind: 'unary', op, operand, range: r.span(r.ofToken(item), operand.range) };
      } else {
        lhs = item;
      }
      for (;;) {
        const next = items[pos];
        if (next === undefined || !isToken(next)) break;
        const bp = infixBp[next.image];
        if (!bp || bp[0] < minBp) break;
        pos++;
        const rhs = parse(bp[1]);
        const op = next.image as A.BinaryOp;
        if (comparisons.has(op) && lhs.kind === 'binary' && comparisons.has(lhs.op)) throw needsFullParse;
        lhs = { kind: 'binary', op, left: lhs, right: rhs, opRange: r.ofToken(next), range: r.span(lhs.range, rhs.range) };
      }
      return lhs;
    };
    return parse(0);
  }

  /**
   * One operand. Returns its value (without prefix operators, ranged as cst-to-ast.ts ranges it) and
   * leaves the prefix operators in `lastPrefixes` for the caller.
   */
  private operand = this.RULE('operand', (): A.Expr => {
    const start = this.LA(1).startOffset;
    let prefixes: IToken[] | undefined;
    // The MANY below only loops on a prefix operator; without one, skipping it changes nothing.
    if (this.RECORDING_PHASE || prefixStarts.has(this.LA(1).tokenType)) {
      const list: IToken[] = [];
      this.MANY(() => {
        list.push(this.OR(this.prefixAlts));
      });
      prefixes = list;
    }
    const value = this.OR2(this.operandAlts);
    if (this.RECORDING_PHASE) return recording;
    // Values ranged by their own node (an event, a bare name) keep that range.
    if (value.kind !== 'event' && value.kind !== 'name') {
      const end = this.LA(0).endOffset ?? NaN;
      const last = prefixes?.[prefixes.length - 1];
      value.range = last && last.endOffset !== undefined ? this.ranges.ofOffsets(nextNonSpace(last.endOffset + 1, start, this.ranges), end) : this.ranges.ofOffsets(start, end);
    }
    this.lastPrefixes = prefixes && prefixes.length > 0 ? prefixes : undefined;
    return value;
  });

  private readonly prefixAlts: Alts<IToken> = [
    { ALT: () => this.CONSUME(T.Minus) },
    { ALT: () => this.CONSUME(T.Not) },
  ];

  /** A placeholder range, replaced by `operand` once the operand's extent is known. */
  private readonly pending = undefined as unknown as SourceRange;

  private readonly operandAlts: Alts<A.Expr> = [
    {
      ALT: () => {
        const num = this.CONSUME(T.NumberLiteral);
        const unitTok = this.OPTION(this.unitOption);
        if (this.RECORDING_PHASE) return recording;
        return unitTok
          ? { kind: 'number', value: Number(num.image), text: num.image, unit: this.ident(unitTok), range: this.pending }
          : { kind: 'number', value: Number(num.image), text: num.image, range: this.pending };
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.Duration);
        return { kind: 'duration', seconds: parseDuration(t.image), text: t.image, range: this.pending };
      },
    },
    { ALT: () => { this.CONSUME(T.True); return { kind: 'bool', value: true, range: this.pending }; } },
    { ALT: () => { this.CONSUME(T.False); return { kind: 'bool', value: false, range: this.pending }; } },
    {
      ALT: () => {
        const t = this.CONSUME(T.StringLiteral);
        return { kind: 'string', value: this.RECORDING_PHASE ? '' : unquote(t), range: this.pending };
      },
    },
    { ALT: () => this.SUBRULE(this.eventExpr) },
    {
      ALT: () => {
        const nameTok = this.CONSUME2(T.Identifier);
        const suffix = this.OPTION2(this.nameSuffixOption);
        this.OPTION4(this.strayMemberAfterName);
        if (this.RECORDING_PHASE) return recording;
        const name = this.ident(nameTok);
        if (!suffix) return { kind: 'name', name: name.name, range: name.range };
        if ('args' in suffix) return { kind: 'call', callee: { kind: 'function', name }, args: suffix.args, range: this.pending };
        const member = this.ident(suffix.member);
        if (suffix.memberArgs) return { kind: 'call', callee: { kind: 'method', object: name, member }, args: suffix.memberArgs, range: this.pending };
        return { kind: 'member', object: name, member, range: this.pending };
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LParen);
        const inner = this.SUBRULE(this.expression);
        this.CONSUME(T.RParen);
        this.OPTION5(this.strayMemberAfterParen);
        return { kind: 'paren', inner, range: this.pending };
      },
    },
  ];

  // f(x).y and (a).b: reported by cst-to-ast.ts (Q1006).
  private readonly strayMemberAfterName = (): void => {
    this.CONSUME2(T.Dot);
    this.CONSUME4(T.Identifier);
    if (!this.RECORDING_PHASE) throw needsFullParse;
  };

  private readonly strayMemberAfterParen = (): void => {
    this.CONSUME3(T.Dot);
    this.CONSUME5(T.Identifier);
    if (!this.RECORDING_PHASE) throw needsFullParse;
  };

  private readonly unitOption = {
    GATE: () => isUnitAfter(this.LA(0), this.LA(1), this.LA(2), this.lines),
    DEF: () => this.OR3(this.unitAlts),
  };

  private readonly unitAlts: Alts<IToken> = [
    { ALT: () => this.CONSUME(T.Identifier) },
    { ALT: () => this.CONSUME(T.Percent) },
  ];

  private readonly nameSuffixOption = (): NameSuffix => this.OR4(this.nameSuffixAlts);

  private readonly nameSuffixAlts: Alts<NameSuffix> = [
    { ALT: () => ({ args: this.SUBRULE(this.callArgs) }) },
    {
      ALT: () => {
        this.CONSUME(T.Dot);
        const member = this.CONSUME3(T.Identifier);
        const memberArgs = this.OPTION3(this.memberArgsOption);
        return { member, memberArgs };
      },
    },
  ];

  private readonly memberArgsOption = (): A.Arg[] => this.SUBRULE2(this.callArgs);

  private callArgs = this.RULE('callArgs', (): A.Arg[] => {
    const base = this.argStack.length;
    this.CONSUME(T.LParen);
    this.OPTION(this.argumentList);
    this.CONSUME(T.RParen);
    if (this.RECORDING_PHASE) return recording;
    return this.argStack.splice(base);
  });

  private readonly argumentList = (): void => {
    this.argStack.push(this.SUBRULE(this.argument));
    this.MANY(this.moreArguments);
  };

  private readonly moreArguments = (): void => {
    this.CONSUME(T.Comma);
    this.argStack.push(this.SUBRULE2(this.argument));
  };

  private argument = this.RULE('argument', (): A.Arg => {
    const start = this.LA(1).startOffset;
    const name = this.OPTION(this.argumentName);
    const value = this.SUBRULE(this.expression);
    if (this.RECORDING_PHASE) return recording;
    const range = this.rangeFrom(start);
    return name ? { name: this.ident(name), value, range } : { value, range };
  });

  private readonly argumentName = {
    GATE: () => this.LA(2).tokenType === T.Colon,
    DEF: () => {
      const name = this.CONSUME(T.Identifier);
      this.CONSUME(T.Colon);
      return name;
    },
  };

  private eventExpr = this.RULE('eventExpr', (): A.Expr => {
    const start = this.LA(1).startOffset;
    this.CONSUME(T.Event);
    this.CONSUME(T.LParen);
    const name = this.CONSUME(T.StringLiteral);
    this.CONSUME(T.RParen);
    this.CONSUME(T.Within);
    const within = this.SUBRULE(this.operand);
    if (this.RECORDING_PHASE) return recording;
    return {
      kind: 'event',
      name: unquote(name),
      nameRange: this.ranges.ofToken(name),
      within: this.wrapPrefixes(within, this.lastPrefixes),
      range: this.rangeFrom(start),
    };
  });
}

function isToken(item: IToken | A.Expr): item is IToken {
  return (item as IToken).tokenType !== undefined;
}

const prefixStarts: ReadonlySet<TokenType> = new Set([T.Minus, T.Not]);

/** The identifier and the contextual words in its category. */
const nameTokens: ReadonlySet<TokenType> = new Set([T.Identifier, ...T.allTokens.filter((t) => t.CATEGORIES?.includes(T.Identifier) === true)]);

const notAfterUnit: ReadonlySet<TokenType> = new Set([T.Equals, T.LParen, T.Dot, T.Colon]);

function isUnitAfter(num: IToken, next: IToken, afterNext: IToken, lines: LineIndex): boolean {
  if (next.tokenType !== T.Percent && next.tokenType !== T.Identifier) return false;
  if (!Number.isFinite(num.startOffset) || !Number.isFinite(next.startOffset)) return false;
  if (lines.lineOf(num.startOffset) !== lines.lineOf(next.startOffset)) return false;
  return next.tokenType === T.Percent || !notAfterUnit.has(afterNext.tokenType);
}

export const astParser = new AstParser();
