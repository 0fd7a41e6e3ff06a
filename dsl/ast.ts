// The Quoin abstract syntax tree: what the author wrote, with a source range on every node.
// Parser recovery can leave holes; those become `error` expressions so later phases can keep going
// without reporting the same mistake twice.
import type { SourceRange } from '../schemas/generated/diagnostic.js';

export type { SourceRange };

export interface Ident {
  name: string;
  range: SourceRange;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

export type Expr =
  | { kind: 'number'; value: number; text: string; unit?: Ident; range: SourceRange }
  | { kind: 'duration'; seconds: number; text: string; range: SourceRange }
  | { kind: 'bool'; value: boolean; range: SourceRange }
  | { kind: 'string'; value: string; range: SourceRange }
  | { kind: 'name'; name: string; range: SourceRange }
  | { kind: 'member'; object: Ident; member: Ident; range: SourceRange }
  | { kind: 'call'; callee: CallTarget; args: Arg[]; range: SourceRange }
  | { kind: 'unary'; op: '-' | 'not'; operand: Expr; range: SourceRange }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; opRange: SourceRange; range: SourceRange }
  | { kind: 'if'; cond: Expr; then: Expr; else: Expr; range: SourceRange }
  | { kind: 'event'; name: string; nameRange: SourceRange; within: Expr; range: SourceRange }
  | { kind: 'paren'; inner: Expr; range: SourceRange }
  | { kind: 'error'; range: SourceRange };

/** `f(…)` names a built-in; `m.f(…)` a market field or market function. */
export type CallTarget = { kind: 'function'; name: Ident } | { kind: 'method'; object: Ident; member: Ident };

export interface Arg {
  name?: Ident;
  value: Expr;
  range: SourceRange;
}

export interface Assignment {
  name: Ident;
  value: Expr;
  range: SourceRange;
}

export interface MarketDecl {
  kind: 'market';
  alias: Ident;
  venue: Ident;
  symbol: { value: string; range: SourceRange };
  options: Assignment[];
  range: SourceRange;
}

export interface ParamDecl {
  name: Ident;
  value: Expr;
  bounds?: { lo: Expr; hi: Expr };
  range: SourceRange;
}

export interface ParamsBlock {
  kind: 'params';
  params: ParamDecl[];
  range: SourceRange;
}

export interface SignalDecl {
  kind: 'signal';
  name: Ident;
  value: Expr;
  range: SourceRange;
}

export interface FairDecl {
  kind: 'fair';
  market?: Ident;
  value: Expr;
  range: SourceRange;
}

export type ScenarioStatement =
  | { kind: 'override'; assignment: Assignment; range: SourceRange }
  | { kind: 'pause'; range: SourceRange }
  | { kind: 'reduce_only'; range: SourceRange };

export interface ScenarioDecl {
  kind: 'scenario';
  name: Ident;
  when: Expr;
  for?: Expr;
  exitWhen?: Expr;
  hold?: Expr;
  body: ScenarioStatement[];
  range: SourceRange;
}

export type QuoteEntry =
  | { kind: 'binding'; assignment: Assignment; range: SourceRange }
  | { kind: 'ladder'; levels: Expr; step: Expr; range: SourceRange }
  | { kind: 'refresh'; moved?: Expr; every?: Expr; range: SourceRange }
  | { kind: 'min_interval'; value: Expr; range: SourceRange }
  | { kind: 'smooth'; method: 'ema'; value: Expr; range: SourceRange };

export interface QuoteBlock {
  kind: 'quote';
  market: Ident;
  entries: QuoteEntry[];
  range: SourceRange;
}

export type RiskActionName = 'reject' | 'throttle' | 'reduce_only' | 'halt' | 'cancel_all';

export interface RiskAction {
  name: RiskActionName;
  range: SourceRange;
}

export type RiskRuleAst =
  | { kind: 'position'; market?: Ident; side: 'abs' | 'long' | 'short'; limit: Expr; action: RiskAction; range: SourceRange }
  | { kind: 'notional'; market?: Ident; limit: Expr; action: RiskAction; range: SourceRange }
  /** Credit exposure held at a venue (balances + open orders), a runner-level limit (R8). */
  | { kind: 'credit'; venue: Ident; limit: Expr; action: RiskAction; range: SourceRange }
  | { kind: 'loss'; period: 'daily' | 'total'; limit: Expr; action: RiskAction; range: SourceRange }
  | { kind: 'drawdown'; limit: Expr; action: RiskAction; range: SourceRange }
  | { kind: 'order_rate'; market?: Ident; limit: Expr; per: Expr; action: RiskAction; range: SourceRange }
  | { kind: 'price_band'; market?: Ident; width: Expr; reference: Expr; action: RiskAction; range: SourceRange }
  | { kind: 'condition'; condition: Expr; action: RiskAction; range: SourceRange };

export interface RiskBlock {
  kind: 'risk';
  rules: RiskRuleAst[];
  range: SourceRange;
}

export interface HedgeDecl {
  kind: 'hedge';
  source?: Ident;
  when: Expr;
  on?: Ident;
  ratio?: Expr;
  target?: Expr;
  via?: { value: 'taker' | 'maker'; range: SourceRange };
  slippage?: Expr;
  /** Clauses given more than once, reported by the checker. */
  repeated: SourceRange[];
  range: SourceRange;
}

export interface AdaptDecl {
  kind: 'adapt';
  param: Ident;
  toward: Expr;
  within?: { kind: 'own'; range: SourceRange } | { kind: 'range'; lo: Expr; hi: Expr; range: SourceRange };
  every: Expr;
  rate?: Expr;
  range: SourceRange;
}

export interface StressBlock {
  kind: 'stress';
  names: Ident[];
  range: SourceRange;
}

export type Item = MarketDecl | ParamsBlock | SignalDecl | FairDecl | ScenarioDecl | QuoteBlock | RiskBlock | HedgeDecl | AdaptDecl | StressBlock;

export interface StrategyAst {
  name: { value: string; range: SourceRange };
  version: { value: number; range: SourceRange };
  items: Item[];
  range: SourceRange;
}
