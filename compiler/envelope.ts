// The risk manager's envelope against a compiled plan: which of the plan's limits would let it go
// further than the envelope allows, said at the line that declares them. A plan is inside the
// envelope when every bound the envelope sets is implied by the plan's own limits at their worst
// case (the largest value any scenario override or adaptation can give them: RiskRule.worstCase),
// so what a risk manager approves holds whatever the parameters do at run time.
import { LineIndex } from '../dsl/line-index.js';
import { makeDiagnostic, type Diagnostic, type DiagnosticCode, type SourceRange } from '../dsl/diagnostics.js';
import type { EnvelopeBody } from '../schemas/generated/api.js';
import type { Market, Plan, RiskRule } from '../schemas/generated/plan.js';

/** An envelope as the risk manager set it: global, or for one market `venue:SYMBOL`. */
export type EnvelopeLimits = EnvelopeBody & { scope: string };

type Side = 'long' | 'short';

/** The tightest rule that bounds a quantity, or why nothing does. */
interface Bound {
  value: number;
  /** The rule that sets it (for the diagnostic's line); absent when the bound is a sum over markets. */
  rule?: RiskRule;
}

export function marketKey(m: Pick<Market, 'venue' | 'symbol'>): string {
  return `${m.venue}:${m.symbol}`;
}

/** Returns one error per envelope bound the plan does not keep; none means the plan is inside. */
export function checkEnvelope(plan: Plan, source: string, envelopes: readonly EnvelopeLimits[]): Diagnostic[] {
  const where = new Locator(plan, source);
  const out: Diagnostic[] = [];
  for (const env of envelopes) {
    const markets = env.scope === 'global' ? plan.markets : plan.markets.filter((m) => marketKey(m).toLowerCase() === env.scope.toLowerCase());
    if (markets.length === 0) continue;
    const scope = env.scope === 'global' ? 'the global envelope' : `the envelope of ${env.scope}`;
    if (env.maxPosition !== undefined) out.push(...checkPositions(plan, markets, env.maxPosition, scope, where));
    if (env.maxNotional !== undefined) out.push(...checkNotional(plan, markets, env.maxNotional, scope, env.scope === 'global', where));
    if (env.maxDailyLoss !== undefined) {
      out.push(...checkAccountLimit(plan, (r) => r.kind === 'loss' && r.period === 'daily', env.maxDailyLoss, { what: 'daily loss', scope, where }));
    }
    if (env.maxDrawdown !== undefined) {
      out.push(...checkAccountLimit(plan, (r) => r.kind === 'drawdown', env.maxDrawdown, { what: 'drawdown', scope, where }));
    }
    if (env.paramBounds) out.push(...checkParams(plan, env.paramBounds, scope, where));
  }
  return out;
}

function checkPositions(plan: Plan, markets: readonly Market[], max: number, scope: string, where: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of markets) {
    const long = positionBound(plan, m, 'long');
    const short = positionBound(plan, m, 'short');
    // One abs rule usually bounds both sides: say it once.
    const sides: Array<[string, Bound | undefined]> = long?.rule && long.rule === short?.rule ? [['position', long]] : [['long position', long], ['short position', short]];
    for (const [what, bound] of sides) {
      const label = `${what} on ${marketKey(m)}`;
      if (!bound) {
        out.push(where.at('Q6002', `markets/${m.alias}`, `${scope} allows a ${label} of at most ${fmt(max)} ${m.base}, but no position limit of the rule set bounds it: add e.g. position ${m.alias} abs <= ${fmt(max)} ${m.base} -> reduce_only`));
      } else if (bound.value > max) {
        out.push(where.at('Q6001', bound.rule ? bound.rule.id : `markets/${m.alias}`, `this limit lets the ${label} reach ${fmt(bound.value)} ${m.base}, more than the ${fmt(max)} ${m.base} ${scope} allows`));
      }
    }
  }
  return out;
}

/** The tightest worst-case position limit on one side of one market. */
function positionBound(plan: Plan, m: Market, side: Side): Bound | undefined {
  // An asset-wide rule (no market) limits the sum over the asset's markets, which bounds one
  // market's position only when it is the asset's only market in the plan.
  const onlyMarketOfAsset = plan.markets.filter((x) => x.base === m.base).length === 1;
  const rules = plan.risk.filter(
    (r) => r.kind === 'position' && (r.side === 'abs' || r.side === side || r.side === undefined) && (r.market === m.alias || (r.market === undefined && r.asset === m.base && onlyMarketOfAsset)),
  );
  return tightest(rules);
}

function checkNotional(plan: Plan, markets: readonly Market[], max: number, scope: string, global: boolean, where: Locator): Diagnostic[] {
  const globalRules = plan.risk.filter((r) => r.kind === 'notional' && r.market === undefined);
  const perMarket = (m: Market): Bound | undefined => tightest([...globalRules, ...plan.risk.filter((r) => r.kind === 'notional' && r.market === m.alias)]);
  let bound: Bound | undefined;
  if (global) {
    // The whole book: a global rule, or per-market rules on every market, whose sum bounds it.
    const whole = tightest(globalRules);
    const parts = plan.markets.map(perMarket);
    const sum = parts.every((b) => b !== undefined) ? { value: parts.reduce((s, b) => s + (b?.value ?? 0), 0) } : undefined;
    bound = whole && (!sum || whole.value <= sum.value) ? whole : sum;
  } else {
    bound = markets[0] ? perMarket(markets[0]) : undefined;
  }
  const quote = markets[0]?.quote ?? '';
  if (!bound) return [where.at('Q6002', 'strategy', `${scope} allows a notional of at most ${fmt(max)} ${quote}, but no notional limit of the rule set bounds it: add e.g. notional <= ${fmt(max)} ${quote} -> reject`)];
  if (bound.value > max) {
    return [where.at('Q6001', bound.rule?.id ?? 'strategy', `${bound.rule ? 'this limit lets' : 'the per-market notional limits together let'} the notional reach ${fmt(bound.value)} ${quote}, more than the ${fmt(max)} ${quote} ${scope} allows`)];
  }
  return [];
}

function checkAccountLimit(plan: Plan, applies: (r: RiskRule) => boolean, max: number, ctx: { what: string; scope: string; where: Locator }): Diagnostic[] {
  const bound = tightest(plan.risk.filter(applies));
  const quote = plan.markets[0]?.quote ?? '';
  if (!bound) {
    const example = ctx.what === 'daily loss' ? `loss daily <= ${fmt(max)} ${quote} -> halt` : `drawdown <= ${fmt(max)} ${quote} -> halt`;
    return [ctx.where.at('Q6002', 'strategy', `${ctx.scope} allows a ${ctx.what} of at most ${fmt(max)} ${quote}, but no ${ctx.what} limit of the rule set bounds it: add e.g. ${example}`)];
  }
  if (bound.value > max) return [ctx.where.at('Q6001', bound.rule?.id ?? 'strategy', `this limit lets the ${ctx.what} reach ${fmt(bound.value)} ${quote}, more than the ${fmt(max)} ${quote} ${ctx.scope} allows`)];
  return [];
}

function checkParams(plan: Plan, allowed: NonNullable<EnvelopeLimits['paramBounds']>, scope: string, where: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of plan.params) {
    const range = allowed[p.name];
    if (!range || typeof p.value !== 'number') continue;
    const lo = p.bounds?.lo ?? p.value;
    const hi = p.bounds?.hi ?? p.value;
    if (lo < range.lo || hi > range.hi) {
      const declared = p.bounds ? `its bounds [${fmt(lo)}, ${fmt(hi)}]` : `its value ${fmt(p.value)}`;
      out.push(where.at('Q6003', `params/${p.name}`, `${p.name} can take values outside what ${scope} allows: ${declared} are not inside [${fmt(range.lo)}, ${fmt(range.hi)}] (canonical units: bps and % as fractions, durations in seconds)`));
    }
  }
  return out;
}

/** The rule with the smallest worst case; rules without a provable worst case bound nothing. */
function tightest(rules: readonly RiskRule[]): Bound | undefined {
  let best: Bound | undefined;
  for (const r of rules) {
    if (r.worstCase === undefined || !Number.isFinite(r.worstCase)) continue;
    if (!best || r.worstCase < best.value) best = { value: r.worstCase, rule: r };
  }
  return best;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10)));
}

/** Turns plan item paths (risk/2, params/x, markets/btc) into diagnostics at their source lines. */
class Locator {
  private readonly lines: LineIndex;
  constructor(
    private readonly plan: Plan,
    source: string,
  ) {
    this.lines = new LineIndex(source);
  }

  at(code: DiagnosticCode, item: string, message: string): Diagnostic {
    return makeDiagnostic({ code, message, file: this.plan.sourceMap.file, range: this.range(item) });
  }

  private range(item: string): SourceRange {
    const r = this.plan.sourceMap.items[item];
    if (!r) return this.lines.range(0, 0);
    const [startLine, startCol, endLine, endCol] = r;
    // Plan ranges are 1-based with an inclusive end; diagnostics want offsets and an exclusive end.
    return this.lines.range(this.lines.offsetOf(startLine ?? 1, startCol ?? 1), this.lines.offsetOf(endLine ?? 1, (endCol ?? 1) + 1));
  }
}
