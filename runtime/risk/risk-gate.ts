// The risk gate (MISSION R1). Every order action the engine emits passes `check` — there is no other
// path to a venue — and every evaluation passes `review`, which applies post-trade limits (loss,
// drawdown, positions after fills, free conditions). States: active → reduce_only → halted, each
// change recorded with its reason and time. Working orders count as potential position, so a
// position limit holds however the working orders fill.
import type { Plan, RiskRule } from '../../schemas/generated/plan.js';
import { Side, type SideValue } from '../events.js';
import { checkParams, generateCheck, generateReview, reviewParams } from './check-codegen.js';
import { Action, Kind, SideLimit, type RuleKindValue } from './rule-codes.js';
import { TokenBucket, type TokenBucketState } from './token-bucket.js';
import { generatedFunction } from '../link/generated-function.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BID = Side.Bid;
const ASK = Side.Ask;

export type RiskState = 'active' | 'reduce_only' | 'halted';

export interface RiskTransition {
  tNs: number;
  from: RiskState;
  to: RiskState;
  reason: string;
  rule?: string;
}

/** What the gate needs to know about the account and the book; implemented by the engine. */
export interface RiskContext {
  nowNs: number;
  /** Node values of the current evaluation (limits, references, conditions). */
  values: Float64Array;
  position(market: number): number;
  /** Sum of working order quantities on one side of a market, excluding `exceptOrder`. */
  workingQty(market: number, side: SideValue, exceptOrder: number): number;
  mid(market: number): number;
  /** Strategy PnL (quote currency) and PnL since 00:00 UTC of the current day. */
  pnl(): number;
  dailyPnl(): number;
  /** PnL at 00:00 UTC of the current day: dailyPnl() is pnl() less this. */
  readonly dayStartPnl: number;
}

export interface OrderIntent {
  market: number;
  side: SideValue;
  price: number;
  qty: number;
  /** For an amend, the order being changed (its quantity is not counted twice). */
  replaces: number;
}

export type Verdict = { ok: true } | { ok: false; throttled: boolean; rule: string; reason: string };

const ALLOW: Verdict = { ok: true };

// Rule kinds, actions and sides as small integers (rule-codes.ts): review runs at every evaluation,
// and string compares on plan objects of several shapes cost more there than the rest of the review.

/** One plan rule, with what the hot paths read laid out in fields of one shape. */
class CompiledRule {
  readonly kind: RuleKindValue;
  readonly action: number;
  /** The limit's node, or -1. */
  readonly limitNode: number;
  /** The reference (price band) and condition nodes, or -1. */
  readonly referenceNode: number;
  readonly conditionNode: number;
  /** position rules: abs, long or short. */
  readonly side: number;
  /** loss rules: the total (not the daily) loss. */
  readonly periodTotal: boolean;
  readonly bucket: TokenBucket | undefined;
  /** price_band rules: the width is a price difference, not bps (set from the node kinds). */
  widthIsPrice = false;

  constructor(
    readonly rule: RiskRule,
    /** Markets the rule covers (plan indices). */
    readonly markets: number[],
  ) {
    this.kind = Kind[rule.kind];
    this.action = Action[rule.action];
    this.limitNode = rule.limit ?? -1;
    this.referenceNode = rule.reference ?? -1;
    this.conditionNode = rule.condition ?? -1;
    this.side = SideLimit[rule.side ?? 'abs'];
    this.periodTotal = rule.period === 'total';
    this.bucket = rule.kind === 'order_rate' ? new TokenBucket(Math.max(1, rule.worstCase ?? 1), (rule.perSec ?? 1) * 1e9) : undefined;
  }
}

export class RiskGate {
  state: RiskState = 'active';
  readonly transitions: RiskTransition[] = [];
  /** Per rule: its post-trade condition held at the last review. */
  private readonly breachedFlags: Uint8Array;
  /** Per rule: it holds the gate in reduce-only; the gate returns to active when none is left. */
  private readonly reduceOnlyFlags: Uint8Array;
  private reduceOnlyCount = 0;
  /** A rule asking to block new orders (reject/throttle/cancel_all rules that hold). */
  private blocking: { rule: string; throttled: boolean; reason: string } | undefined;
  private blockingRule = -1;
  private peakPnl = -Infinity;
  private killed = false;
  private readonly rules: CompiledRule[];
  /** The plan's pre-trade rules as generated code (check-codegen.ts), and their token buckets by rule. */
  private rulesCheck: RulesCheck;
  /** The generated code of `rulesCheck`, for inspection and tests. */
  checkSource = '';
  /** The post-trade rules as generated code, and its source. */
  private readonly rulesReview: RulesReview;
  readonly reviewSource: string;
  private readonly buckets: Array<TokenBucket | undefined>;
  /** Indices of the rules `review` looks at (post-trade kinds), in rule order. */
  private readonly reviewed: Int32Array;
  /** Counts per rule id of times a limit bit, for summaries. */
  readonly hits = new Map<string, number>();

  constructor(
    plan: Plan,
    private readonly onCancelAll: (reason: string) => void,
  ) {
    const aliasIndex = new Map(plan.markets.map((m, i) => [m.alias, i]));
    this.rules = plan.risk.map((rule) => {
      let markets: number[];
      if (rule.market !== undefined) markets = [aliasIndex.get(rule.market) ?? -1];
      else if (rule.kind === 'position' && rule.asset) markets = plan.markets.flatMap((m, i) => (m.base === rule.asset ? [i] : []));
      else markets = plan.markets.map((_, i) => i);
      return new CompiledRule(rule, markets);
    });
    const postTrade: number[] = [Kind.loss, Kind.drawdown, Kind.position, Kind.condition];
    this.reviewed = Int32Array.from(this.rules.flatMap((c, i) => (postTrade.includes(c.kind) ? [i] : [])));
    this.breachedFlags = new Uint8Array(this.rules.length);
    this.reduceOnlyFlags = new Uint8Array(this.rules.length);
    this.buckets = this.rules.map((c) => c.bucket);
    this.rulesCheck = this.generateRulesCheck();
    this.reviewSource = generateReview(this.rules, this.reviewed, Kind);
    this.rulesReview = generatedFunction<RulesReview>(reviewParams, this.reviewSource);
  }

  /** Ids of the rules holding the gate in reduce-only. */
  private reduceOnlyIds(): string[] {
    return this.rules.flatMap((c, i) => (this.reduceOnlyFlags[i] === 1 ? [c.rule.id] : []));
  }

  /** Manual kill switch: halts and cancels everything. Only `resume` lifts it. */
  kill(tNs: number, reason: string): void {
    this.killed = true;
    this.transition(tNs, 'halted', `kill switch: ${reason}`);
    this.onCancelAll(`kill switch: ${reason}`);
  }

  resume(tNs: number, reason: string): void {
    this.killed = false;
    this.reduceOnlyFlags.fill(0);
    this.reduceOnlyCount = 0;
    this.transition(tNs, 'active', `resumed: ${reason}`);
  }

  /** Pre-trade check of one place or amend. */
  check(o: OrderIntent, ctx: RiskContext, scenarioReduceOnly: boolean): Verdict {
    if (this.state === 'halted') return this.deny('halted', `trading is halted${this.killed ? ' (kill switch)' : ''}`, false);
    // The order's own market, read once: most rules cover just that market.
    const m0 = o.market;
    const pos0 = ctx.position(m0);
    const buys0 = ctx.workingQty(m0, BID, o.replaces);
    const sells0 = ctx.workingQty(m0, ASK, o.replaces);
    // Does the order only shrink the position (never flip it), counting orders already working?
    const reducing = o.side === BID ? pos0 < 0 && buys0 + o.qty <= -pos0 + 1e-12 : pos0 > 0 && sells0 + o.qty <= pos0 + 1e-12;
    if ((this.state === 'reduce_only' || scenarioReduceOnly === true) && !reducing) {
      return this.deny(this.state === 'reduce_only' ? this.reduceOnlyIds()[0] ?? 'reduce_only' : 'scenario', 'only orders that reduce the position are allowed', false);
    }
    if (this.blocking !== undefined && !reducing) return this.deny(this.blocking.rule, this.blocking.reason, this.blocking.throttled);

    const signedQty = o.side === BID ? o.qty : -o.qty;
    return this.rulesCheck(this, o, ctx, ctx.values, m0, pos0, buys0, sells0, reducing, signedQty, this.buckets, ALLOW);
  }

  /** The engine tells the gate the unit of each node once, so a band knows bps from price. */
  setNodeKinds(kinds: ReadonlyArray<string>): void {
    for (const c of this.rules) c.widthIsPrice = c.limitNode >= 0 && kinds[c.limitNode] === 'price';
    this.rulesCheck = this.generateRulesCheck();
  }

  private generateRulesCheck(): RulesCheck {
    this.checkSource = generateCheck(this.rules, Kind);
    return generatedFunction<RulesCheck>(checkParams, this.checkSource);
  }

  /** Generated-check callback: the verdict for an order rule `i` refused, quoting figures a and b. */
  refuse(i: number, o: OrderIntent, ctx: RiskContext, a: number, b: number): Verdict {
    const c = this.rules[i] as CompiledRule;
    switch (c.kind) {
      case Kind.position:
        return this.enforce(c, ctx.nowNs, `position would reach ${round(a)} against a limit of ${round(b)}`);
      case Kind.notional:
        return this.enforce(c, ctx.nowNs, `notional would reach ${round(a)} against a limit of ${round(b)}`);
      case Kind.price_band:
        return this.enforce(c, ctx.nowNs, `price ${o.price} is outside ${round(a)} of the reference ${round(b)}`);
      default:
        return this.enforce(c, ctx.nowNs, `more than ${c.rule.worstCase ?? '?'} orders per ${c.rule.perSec ?? 1}s`);
    }
  }

  /** Generated-check callback: potential position over the markets of rule `i` (more than one). */
  potentialOf(i: number, o: OrderIntent, ctx: RiskContext): number {
    return this.potentialPosition((this.rules[i] as CompiledRule).markets, o, ctx);
  }

  /** Generated-check callback: notional over the markets of rule `i` (more than one). */
  notionalOf(i: number, o: OrderIntent, ctx: RiskContext): number {
    let notional = 0;
    const markets = (this.rules[i] as CompiledRule).markets;
    for (let k = 0; k < markets.length; k++) {
      const m = markets[k] ?? -1;
      const mid = ctx.mid(m);
      const pos = ctx.position(m) + (m === o.market ? (o.side === BID ? o.qty : -o.qty) : 0);
      const buys = ctx.workingQty(m, BID, o.replaces);
      const sells = ctx.workingQty(m, ASK, o.replaces);
      notional += Math.max(Math.abs(pos + buys), Math.abs(pos - sells)) * (Number.isFinite(mid) ? mid : o.price);
    }
    return notional;
  }

  /**
   * Post-trade review after each evaluation: loss, drawdown, positions after fills, conditions.
   * Runs at every evaluation, so it allocates nothing: breaches are flags per rule, and the words
   * describing one are only put together when the state changes or an order is refused.
   */
  review(ctx: RiskContext): void {
    const n = this.rules.length;
    if (n === 0) return;
    const pnl = ctx.pnl();
    if (pnl > this.peakPnl) this.peakPnl = pnl;
    this.blocking = undefined;
    this.blockingRule = -1;
    this.rulesReview(this, ctx, ctx.values, pnl, this.peakPnl, ctx.dayStartPnl, this.breachedFlags, this.reduceOnlyFlags);
    if (this.blockingRule >= 0) {
      const c = this.rules[this.blockingRule] as CompiledRule;
      this.blocking = { rule: c.rule.id, throttled: c.rule.action === 'throttle', reason: this.describeBreach(this.blockingRule, ctx, pnl) };
    }
    // Reduce-only lifts when nothing that caused it still holds.
    if (this.state === 'reduce_only' && this.reduceOnlyCount === 0) this.transition(ctx.nowNs, 'active', 'limits back within bounds');
  }

  /**
   * Generated-review callback: rule `i` holds now (`held`) or held at the last review. Keeps the
   * flags, counts hits, moves the state and asks for cancels as the rule's action says.
   */
  settle(i: number, held: boolean, ctx: RiskContext, pnl: number): void {
    const c = this.rules[i] as CompiledRule;
    const was = this.breachedFlags[i] === 1;
    this.breachedFlags[i] = held ? 1 : 0;
    if (!held) {
      if (this.reduceOnlyFlags[i] === 1) {
        this.reduceOnlyFlags[i] = 0;
        this.reduceOnlyCount--;
      }
      return;
    }
    const r = c.rule;
    switch (c.action) {
      case Action.halt:
        if (this.state !== 'halted') {
          const why = this.describeBreach(i, ctx, pnl);
          this.count(r.id);
          this.transition(ctx.nowNs, 'halted', why, r.id);
          this.onCancelAll(`${r.id}: ${why}`);
        }
        break;
      case Action.reduce_only:
        if (!was) this.count(r.id);
        if (this.reduceOnlyFlags[i] !== 1) {
          this.reduceOnlyFlags[i] = 1;
          this.reduceOnlyCount++;
        }
        if (this.state === 'active') this.transition(ctx.nowNs, 'reduce_only', this.describeBreach(i, ctx, pnl), r.id);
        break;
      case Action.cancel_all:
        if (!was) {
          this.count(r.id);
          this.onCancelAll(`${r.id}: ${this.describeBreach(i, ctx, pnl)}`);
        }
        if (this.blockingRule < 0) this.blockingRule = i;
        break;
      case Action.reject:
      case Action.throttle:
        if (!was) this.count(r.id);
        if (this.blockingRule < 0) this.blockingRule = i;
        break;
    }
  }

  private describeBreach(i: number, ctx: RiskContext, pnl: number): string {
    const c = this.rules[i] as CompiledRule;
    const r = c.rule;
    const limit = r.limit === undefined ? NaN : ctx.values[r.limit] ?? NaN;
    switch (r.kind) {
      case 'loss': {
        const loss = -(r.period === 'total' ? pnl : ctx.dailyPnl());
        return `${r.period ?? 'daily'} loss ${round(loss)} exceeds ${round(limit)}`;
      }
      case 'drawdown':
        return `drawdown ${round(this.peakPnl - pnl)} exceeds ${round(limit)}`;
      case 'position': {
        let pos = 0;
        for (const m of c.markets) pos += ctx.position(m);
        return `position ${round(pos)} is at its limit ${round(limit)}`;
      }
      case 'condition':
        return 'condition holds';
      default:
        return `${r.kind} limit`;
    }
  }

  /** Position if every working order on the order's side filled, plus the order itself. */
  private potentialPosition(markets: number[], o: OrderIntent, ctx: RiskContext): number {
    let pos = 0;
    for (const m of markets) {
      pos += ctx.position(m);
      if (o.side === BID) pos += ctx.workingQty(m, BID, o.replaces);
      else pos -= ctx.workingQty(m, ASK, o.replaces);
    }
    return o.side === BID ? pos + o.qty : pos - o.qty;
  }

  private enforce(c: CompiledRule, tNs: number, reason: string): Verdict {
    const r = c.rule;
    this.count(r.id);
    switch (r.action) {
      case 'halt':
        this.transition(tNs, 'halted', reason, r.id);
        this.onCancelAll(`${r.id}: ${reason}`);
        break;
      case 'cancel_all':
        this.onCancelAll(`${r.id}: ${reason}`);
        break;
      case 'reduce_only':
      case 'reject':
      case 'throttle':
        break;
    }
    return { ok: false, throttled: r.action === 'throttle' || r.kind === 'order_rate', rule: r.id, reason };
  }

  private deny(rule: string, reason: string, throttled: boolean): Verdict {
    return { ok: false, throttled, rule, reason };
  }

  private count(rule: string): void {
    this.hits.set(rule, (this.hits.get(rule) ?? 0) + 1);
  }

  private transition(tNs: number, to: RiskState, reason: string, rule?: string): void {
    if (this.state === to) return;
    const t: RiskTransition = { tNs, from: this.state, to, reason };
    if (rule !== undefined) t.rule = rule;
    this.transitions.push(t);
    this.state = to;
  }

  export(): RiskGateState {
    return {
      state: this.state,
      killed: this.killed,
      peakPnl: Number.isFinite(this.peakPnl) ? this.peakPnl : null,
      reduceOnlyCauses: this.reduceOnlyIds(),
      breached: this.rules.flatMap((c, i) => (this.breachedFlags[i] === 1 ? [c.rule.id] : [])),
      buckets: Object.fromEntries(this.rules.flatMap((c) => (c.bucket ? [[c.rule.id, c.bucket.export()]] : []))),
    };
  }

  import(s: RiskGateState): void {
    this.state = s.state;
    this.killed = s.killed;
    this.peakPnl = s.peakPnl ?? -Infinity;
    this.rules.forEach((c, i) => {
      this.reduceOnlyFlags[i] = s.reduceOnlyCauses.includes(c.rule.id) ? 1 : 0;
      this.breachedFlags[i] = s.breached.includes(c.rule.id) ? 1 : 0;
    });
    this.reduceOnlyCount = this.reduceOnlyFlags.reduce((a, b) => a + b, 0);
    for (const c of this.rules) {
      const b = s.buckets[c.rule.id];
      if (c.bucket && b) c.bucket.import(b);
    }
  }
}

type RulesReview = (g: RiskGate, ctx: RiskContext, v: Float64Array, pnl: number, peak: number, dayStart: number, breached: Uint8Array, reduceOnly: Uint8Array) => void;

type RulesCheck = (g: RiskGate, o: OrderIntent, ctx: RiskContext, v: Float64Array, m0: number, pos0: number, buys0: number, sells0: number, reducing: boolean, sq: number, B: Array<TokenBucket | undefined>, allow: Verdict) => Verdict;

export interface RiskGateState {
  state: RiskState;
  killed: boolean;
  peakPnl: number | null;
  reduceOnlyCauses: string[];
  breached: string[];
  buckets: Record<string, TokenBucketState>;
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1e8) / 1e8) : String(x);
}
