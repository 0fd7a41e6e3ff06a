// The Quoin grammar as a chevrotain CstParser. One instance is reused (`parser.input = tokens`).
// Error recovery is on so the editor gets every syntax error of a file in one pass; the CST is then
// turned into the AST by cst-to-ast.ts. parse.ts runs it only on files that ast-parser.ts (the same
// grammar, building the AST directly, without recovery) gives up on: a grammar change goes into both.
// docs/dsl.md holds the same grammar in EBNF.
import { CstParser, type IOrAlt, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { LineIndex } from './line-index.js';
import { syntaxMessages } from './syntax-messages.js';

const riskActions = [T.Reject, T.Throttle, T.ReduceOnly, T.Halt, T.CancelAll] as const;

// Performance: chevrotain runs a rule's body on every invocation, so an `OR([...])` literal builds its
// array, one object and one closure per alternative each time (a `{ GATE, DEF }` literal likewise).
// On a 5,000-line file that was most of the parser's allocation and of the garbage collector's time.
// Rules that run per expression, per operand or per block entry therefore take their alternatives
// from fields built once (`…Alts`). The closures only use `this`, so one copy serves every parse.
type Alts = IOrAlt<unknown>[];

export class QuoinParser extends CstParser {
  /** Line lookup for the current input: a unit must sit on its number's line. Set before each parse. */
  lines: LineIndex = new LineIndex('');

  /** `validate` runs chevrotain's grammar checks (ambiguities, left recursion): on in tests, off in production for start-up time. */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'onlyOffset',
      maxLookahead: 3,
      errorMessageProvider: syntaxMessages,
      skipValidations: options.validate !== true,
    });
    this.performSelfAnalysis();
  }

  // strategy "name" version 3 { item* }
  public file = this.RULE('file', () => {
    this.CONSUME(T.Strategy);
    this.CONSUME(T.StringLiteral, { LABEL: 'name' });
    this.CONSUME(T.Version);
    this.CONSUME(T.NumberLiteral, { LABEL: 'version' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.item));
    this.CONSUME(T.RBrace);
  });

  private readonly itemAlts: Alts = [
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
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  private item = this.RULE('item', () => {
    this.OR(this.itemAlts);
  });

  // stress { flash_crash, liquidity_drought, venue_outage }: scenarios required before approval
  private stressBlock = this.RULE('stressBlock', () => {
    this.CONSUME(T.Stress);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'names' }) },
        { ALT: () => this.CONSUME(T.Comma) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]);
    });
    this.CONSUME(T.RBrace);
  });

  // market m = binance:"BTC/USDT" { tick = 0.1  lot = 0.001 }
  private marketDecl = this.RULE('marketDecl', () => {
    this.CONSUME(T.Market);
    this.CONSUME(T.Identifier, { LABEL: 'alias' });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.Identifier, { LABEL: 'venue' });
    this.CONSUME(T.Colon);
    this.CONSUME(T.StringLiteral, { LABEL: 'symbol' });
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => this.OR(this.marketEntryAlts));
      this.CONSUME(T.RBrace);
    });
  });

  private readonly marketEntryAlts: Alts = [
    { ALT: () => this.SUBRULE(this.assignment) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  // name = expression   (market options, scenario overrides)
  private assignment = this.RULE('assignment', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  private paramsBlock = this.RULE('paramsBlock', () => {
    this.CONSUME(T.Params);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.paramEntryAlts));
    this.CONSUME(T.RBrace);
  });

  private readonly paramEntryAlts: Alts = [
    { ALT: () => this.SUBRULE(this.paramDecl) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  // gamma = 0.1 in [0.01, 1]
  private paramDecl = this.RULE('paramDecl', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
    this.OPTION(() => {
      this.CONSUME(T.In);
      this.CONSUME(T.LBracket);
      this.SUBRULE2(this.expression, { LABEL: 'lo' });
      this.CONSUME(T.Comma);
      this.SUBRULE3(this.expression, { LABEL: 'hi' });
      this.CONSUME(T.RBracket);
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  private signalDecl = this.RULE('signalDecl', () => {
    this.CONSUME(T.Signal);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  // fair = m.microprice   |   fair h = h.mid
  private fairDecl = this.RULE('fairDecl', () => {
    this.CONSUME(T.Fair);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'market' }));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  // scenario high_vol when P [for D] [exit when Q] [hold D] { overrides, pause, reduce_only }
  private scenarioDecl = this.RULE('scenarioDecl', () => {
    this.CONSUME(T.Scenario);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { LABEL: 'when' });
    this.OPTION(() => {
      this.CONSUME(T.For);
      this.SUBRULE2(this.expression, { LABEL: 'for' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Exit);
      this.CONSUME2(T.When);
      this.SUBRULE3(this.expression, { LABEL: 'exit' });
    });
    this.OPTION3(() => {
      this.CONSUME(T.Hold);
      this.SUBRULE4(this.expression, { LABEL: 'hold' });
    });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.scenarioEntryAlts));
    this.CONSUME(T.RBrace);
  });

  private readonly scenarioEntryAlts: Alts = [
    { ALT: () => this.SUBRULE(this.assignment) },
    { ALT: () => this.CONSUME(T.Pause) },
    { ALT: () => this.CONSUME(T.ReduceOnly) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  private quoteBlock = this.RULE('quoteBlock', () => {
    this.CONSUME(T.Quote);
    this.CONSUME(T.Identifier, { LABEL: 'market' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.quoteEntryAlts));
    this.CONSUME(T.RBrace);
  });

  private readonly quoteEntryAlts: Alts = [
    { ALT: () => this.SUBRULE(this.assignment) },
    { ALT: () => this.SUBRULE(this.ladderClause) },
    { ALT: () => this.SUBRULE(this.refreshClause) },
    { ALT: () => this.SUBRULE(this.minIntervalClause) },
    { ALT: () => this.SUBRULE(this.smoothClause) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  private ladderClause = this.RULE('ladderClause', () => {
    this.CONSUME(T.Ladder);
    this.SUBRULE(this.additive, { LABEL: 'levels' });
    this.CONSUME(T.Step);
    this.SUBRULE2(this.additive, { LABEL: 'step' });
  });

  // refresh when moved > 1 bps or every 5s   (either part may be left out)
  private refreshClause = this.RULE('refreshClause', () => {
    this.CONSUME(T.Refresh);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.When);
          this.CONSUME(T.Moved);
          this.CONSUME(T.Greater);
          this.SUBRULE(this.additive, { LABEL: 'moved' });
          this.OPTION(() => {
            this.CONSUME(T.Or);
            this.CONSUME(T.Every);
            this.SUBRULE2(this.additive, { LABEL: 'every' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Every);
          this.SUBRULE3(this.additive, { LABEL: 'every' });
        },
      },
    ]);
  });

  private minIntervalClause = this.RULE('minIntervalClause', () => {
    this.CONSUME(T.MinInterval);
    this.SUBRULE(this.additive, { LABEL: 'value' });
  });

  private smoothClause = this.RULE('smoothClause', () => {
    this.CONSUME(T.Smooth);
    this.CONSUME(T.Ema);
    this.SUBRULE(this.additive, { LABEL: 'value' });
  });

  private riskBlock = this.RULE('riskBlock', () => {
    this.CONSUME(T.Risk);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.riskEntryAlts));
    this.CONSUME(T.RBrace);
  });

  private readonly riskEntryAlts: Alts = [
    { ALT: () => this.SUBRULE(this.positionLimit) },
    { ALT: () => this.SUBRULE(this.notionalLimit) },
    { ALT: () => this.SUBRULE(this.creditLimit) },
    { ALT: () => this.SUBRULE(this.lossLimit) },
    { ALT: () => this.SUBRULE(this.drawdownLimit) },
    { ALT: () => this.SUBRULE(this.orderRateLimit) },
    { ALT: () => this.SUBRULE(this.priceBand) },
    { ALT: () => this.SUBRULE(this.conditionRule) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  /** An optional market alias in a clause; soft keywords (abs, long, …) are never taken for one. */
  private marketRef(): void {
    // Shared by several rules, so it uses occurrence index 9, which no calling rule uses itself.
    this.OPTION9(this.marketRefOption);
  }

  private readonly marketRefOption = {
    GATE: () => this.LA(1).tokenType === T.Identifier,
    DEF: () => this.CONSUME9(T.Identifier, { LABEL: 'market' }),
  };

  private limitTail(): void {
    this.CONSUME9(T.LessEq);
    this.SUBRULE9(this.expression, { LABEL: 'limit' });
    this.SUBRULE8(this.actionClause);
  }

  private actionClause = this.RULE('actionClause', () => {
    this.CONSUME(T.Arrow);
    this.OR(this.actionAlts);
  });

  private readonly actionAlts: Alts = riskActions.map((t) => ({ ALT: () => this.CONSUME(t, { LABEL: 'action' }) }));

  // position [m] [abs|long|short] <= X -> action
  private positionLimit = this.RULE('positionLimit', () => {
    this.CONSUME(T.Position);
    this.marketRef();
    this.OPTION(() => this.OR(this.sideAlts));
    this.limitTail();
  });

  private readonly sideAlts: Alts = [
    { ALT: () => this.CONSUME(T.Abs, { LABEL: 'side' }) },
    { ALT: () => this.CONSUME(T.Long, { LABEL: 'side' }) },
    { ALT: () => this.CONSUME(T.Short, { LABEL: 'side' }) },
  ];

  private notionalLimit = this.RULE('notionalLimit', () => {
    this.CONSUME(T.Notional);
    this.marketRef();
    this.limitTail();
  });

  // credit VENUE <= X -> action
  private creditLimit = this.RULE('creditLimit', () => {
    this.CONSUME(T.Credit);
    this.CONSUME(T.Identifier, { LABEL: 'venue' });
    this.limitTail();
  });

  // loss [daily|total] <= X -> action
  private lossLimit = this.RULE('lossLimit', () => {
    this.CONSUME(T.Loss);
    this.OPTION(() => this.OR(this.periodAlts));
    this.limitTail();
  });

  private readonly periodAlts: Alts = [
    { ALT: () => this.CONSUME(T.Daily, { LABEL: 'period' }) },
    { ALT: () => this.CONSUME(T.Total, { LABEL: 'period' }) },
  ];

  private drawdownLimit = this.RULE('drawdownLimit', () => {
    this.CONSUME(T.Drawdown);
    this.limitTail();
  });

  // orders [m] <= 20 per 1s -> throttle
  private orderRateLimit = this.RULE('orderRateLimit', () => {
    this.CONSUME(T.Orders);
    this.marketRef();
    this.CONSUME(T.LessEq);
    this.SUBRULE(this.additive, { LABEL: 'limit' });
    this.CONSUME(T.Per);
    this.SUBRULE2(this.additive, { LABEL: 'per' });
    this.SUBRULE(this.actionClause);
  });

  // price [m] within 50 bps of m.mid -> reject
  private priceBand = this.RULE('priceBand', () => {
    this.CONSUME(T.Price);
    this.marketRef();
    this.CONSUME(T.Within);
    this.SUBRULE(this.additive, { LABEL: 'width' });
    this.CONSUME(T.Of);
    this.SUBRULE2(this.expression, { LABEL: 'reference' });
    this.SUBRULE(this.actionClause);
  });

  // when <bool> -> action
  private conditionRule = this.RULE('conditionRule', () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { LABEL: 'condition' });
    this.SUBRULE(this.actionClause);
  });

  // hedge [m] when P { on h  ratio R  target X  via taker  slippage S }
  private hedgeRule = this.RULE('hedgeRule', () => {
    this.CONSUME(T.Hedge);
    this.marketRef();
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { LABEL: 'when' });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.On);
            this.CONSUME(T.Identifier, { LABEL: 'on' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Ratio);
            this.SUBRULE2(this.expression, { LABEL: 'ratio' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Target);
            this.SUBRULE3(this.expression, { LABEL: 'target' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Via);
            this.OR2([
              { ALT: () => this.CONSUME(T.Taker, { LABEL: 'via' }) },
              { ALT: () => this.CONSUME(T.Maker, { LABEL: 'via' }) },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Slippage);
            this.SUBRULE4(this.expression, { LABEL: 'slippage' });
          },
        },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]);
    });
    this.CONSUME(T.RBrace);
  });

  // adapt P toward X [within its bounds | within [lo, hi]] every D [rate R]
  private adaptRule = this.RULE('adaptRule', () => {
    this.CONSUME(T.Adapt);
    this.CONSUME(T.Identifier, { LABEL: 'param' });
    this.CONSUME(T.Toward);
    this.SUBRULE(this.expression, { LABEL: 'toward' });
    this.OPTION(() => {
      this.CONSUME(T.Within);
      this.OR([
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Its));
            this.CONSUME(T.Bounds, { LABEL: 'ownBounds' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            this.SUBRULE2(this.expression, { LABEL: 'lo' });
            this.CONSUME(T.Comma);
            this.SUBRULE3(this.expression, { LABEL: 'hi' });
            this.CONSUME(T.RBracket);
          },
        },
      ]);
    });
    this.CONSUME(T.Every);
    this.SUBRULE(this.additive, { LABEL: 'every' });
    this.OPTION3(() => {
      this.CONSUME(T.Rate);
      this.SUBRULE2(this.additive, { LABEL: 'rate' });
    });
  });

  // ---- expressions, lowest precedence first ----

  /**
   * Newlines are insignificant, so `bid = m.bid -` followed by `ask = m.ask` would read as
   * `m.bid - ask`. An operator followed by `name =` therefore never continues the expression:
   * the dangling operator is reported on its own and the next entry parses normally.
   */
  private continuesExpression(): boolean {
    return !(nameTokens.has(this.LA(2).tokenType) && this.LA(3).tokenType === T.Equals);
  }

  private readonly expressionAlts: Alts = [
    { ALT: () => this.SUBRULE(this.ifExpr) },
    { ALT: () => this.SUBRULE(this.chain) },
  ];

  public expression = this.RULE('expression', () => {
    this.OR(this.expressionAlts);
  });

  private ifExpr = this.RULE('ifExpr', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, { LABEL: 'cond' });
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression, { LABEL: 'then' });
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expression, { LABEL: 'else' });
  });

  /**
   * Operands and operators flat, in source order: `a + b * c > d and e`. Precedence and
   * associativity are applied when the CST becomes the AST (cst-to-ast.ts, by precedence climbing),
   * which keeps the CST three nodes deep per operand instead of one node per precedence level.
   */
  private chain = this.RULE('chain', () => {
    this.SUBRULE(this.operand, { LABEL: 'operands' });
    this.MANY(this.chainTail);
  });

  private readonly chainTail = {
    GATE: () => this.continuesExpression(),
    DEF: () => {
      this.CONSUME(T.BinaryOperator, { LABEL: 'ops' });
      this.SUBRULE2(this.operand, { LABEL: 'operands' });
    },
  };

  /** Arithmetic only (+ − × ÷ ^): clause operands that a following `or`, `step` or `per` must not join. */
  public additive = this.RULE('additive', () => {
    this.SUBRULE(this.operand, { LABEL: 'operands' });
    this.MANY(this.additiveTail);
  });

  private readonly additiveTail = {
    GATE: () => this.continuesExpression(),
    DEF: () => {
      this.CONSUME(T.ArithmeticOperator, { LABEL: 'ops' });
      this.SUBRULE2(this.operand, { LABEL: 'operands' });
    },
  };

  /**
   * One operand: prefix operators (`-`, `not`) and the value they apply to — a number with its unit,
   * a duration, a name, a call, a market field `m.mid` / `m.depth(10 bps)`, an event test or a
   * parenthesised expression. One rule for all of it keeps the CST shallow (see `chain`).
   */
  private operand = this.RULE('operand', () => {
    this.MANY(() => this.OR(this.prefixAlts));
    this.OR2(this.operandAlts);
  });

  private readonly prefixAlts: Alts = [
    { ALT: () => this.CONSUME(T.Minus, { LABEL: 'prefix' }) },
    { ALT: () => this.CONSUME(T.Not, { LABEL: 'prefix' }) },
  ];

  private readonly operandAlts: Alts = [
    {
      // 8 bps, 0.01 BTC, 5%: the unit must sit on the number's line, so a number at the end of
      // one line never swallows the name that starts the next.
      ALT: () => {
        this.CONSUME(T.NumberLiteral, { LABEL: 'number' });
        this.OPTION(this.unitOption);
      },
    },
    { ALT: () => this.CONSUME(T.Duration) },
    { ALT: () => this.CONSUME(T.True) },
    { ALT: () => this.CONSUME(T.False) },
    { ALT: () => this.CONSUME(T.StringLiteral) },
    { ALT: () => this.SUBRULE(this.eventExpr) },
    {
      // name, f(args), m.field, m.field(args)
      ALT: () => {
        this.CONSUME2(T.Identifier, { LABEL: 'name' });
        this.OPTION2(() => this.OR4(this.nameSuffixAlts));
        // f(x).y: only market aliases have fields; parsed so the checker can say so (Q1006).
        this.OPTION4(() => {
          this.CONSUME2(T.Dot, { LABEL: 'strayDot' });
          this.CONSUME4(T.Identifier, { LABEL: 'strayMember' });
        });
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.expression, { LABEL: 'inner' });
        this.CONSUME(T.RParen);
        this.OPTION5(() => {
          this.CONSUME3(T.Dot, { LABEL: 'strayDot' });
          this.CONSUME5(T.Identifier, { LABEL: 'strayMember' });
        });
      },
    },
  ];

  /** The unit after a number; LA(0) is the number just consumed. */
  private readonly unitOption = {
    GATE: () => isUnitAfter(this.LA(0), this.LA(1), this.LA(2), this.lines),
    DEF: () => this.OR3(this.unitAlts),
  };

  private readonly unitAlts: Alts = [
    { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'unit' }) },
    { ALT: () => this.CONSUME(T.Percent, { LABEL: 'unit' }) },
  ];

  private readonly nameSuffixAlts: Alts = [
    { ALT: () => this.SUBRULE(this.callArgs, { LABEL: 'args' }) },
    {
      ALT: () => {
        this.CONSUME(T.Dot, { LABEL: 'dot' });
        this.CONSUME3(T.Identifier, { LABEL: 'member' });
        this.OPTION3(() => this.SUBRULE2(this.callArgs, { LABEL: 'memberArgs' }));
      },
    },
  ];

  private callArgs = this.RULE('callArgs', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.argument);
      });
    });
    this.CONSUME(T.RParen);
  });

  private argument = this.RULE('argument', () => {
    this.OPTION(this.argumentName);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  private readonly argumentName = {
    GATE: () => this.LA(2).tokenType === T.Colon,
    DEF: () => {
      this.CONSUME(T.Identifier, { LABEL: 'name' });
      this.CONSUME(T.Colon);
    },
  };

  // event("cpi") within 2m
  private eventExpr = this.RULE('eventExpr', () => {
    this.CONSUME(T.Event);
    this.CONSUME(T.LParen);
    this.CONSUME(T.StringLiteral, { LABEL: 'name' });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Within);
    this.SUBRULE(this.operand, { LABEL: 'within' });
  });
}

/** The identifier and the contextual words in its category; asked after every operand. */
const nameTokens: ReadonlySet<TokenType> = new Set([T.Identifier, ...T.allTokens.filter((t) => t.CATEGORIES?.includes(T.Identifier) === true)]);

const notAfterUnit: ReadonlySet<TokenType> = new Set([T.Equals, T.LParen, T.Dot, T.Colon]);

function isUnitAfter(num: IToken, next: IToken, afterNext: IToken, lines: LineIndex): boolean {
  if (next.tokenType !== T.Percent && next.tokenType !== T.Identifier) return false;
  // Recovery can hand us virtual tokens without positions; those are never units.
  if (!Number.isFinite(num.startOffset) || !Number.isFinite(next.startOffset)) return false;
  if (lines.lineOf(num.startOffset) !== lines.lineOf(next.startOffset)) return false;
  return next.tokenType === T.Percent || !notAfterUnit.has(afterNext.tokenType);
}

let shared: QuoinParser | undefined;

/**
 * The one shared parser instance (chevrotain parsers are built once and fed new input), built on
 * first use: parse.ts only needs it for files with syntax errors (see ast-parser.ts), and building
 * it costs ~15 ms, which every start of the CLI paid.
 */
export function recoveringParser(): QuoinParser {
  shared ??= new QuoinParser();
  return shared;
}

/** The same instance, for the editor's content assist. A bundle that never reads it (the CLI) leaves it out. */
export const parser = /* @__PURE__ */ recoveringParser();
