// The runtime's only door for plans: schema validation (ajv, the same schema the compiler emits
// against) plus the structural facts a schema cannot state. An invalid plan is refused with the
// JSON path of the problem; nothing half-loaded ever runs.
import { validatePlan, type Plan } from '../../schemas/index.js';

export class PlanError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const knownFormats = new Set(['quoin.plan/1']);

export function loadPlan(value: unknown): Plan {
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format === 'string' && !knownFormats.has(format)) {
    throw new PlanError(`plan format ${format} is not supported by this runtime (known: ${[...knownFormats].join(', ')})`, [`/format: ${format}`]);
  }
  const v = validatePlan(value);
  if (!v.ok || !v.value) throw new PlanError(`invalid plan: ${v.errors[0] ?? 'schema validation failed'}`, v.errors);
  const plan = v.value;
  const problems = structuralProblems(plan);
  if (problems.length > 0) throw new PlanError(`invalid plan: ${problems[0]}`, problems);
  return plan;
}

/** What JSON Schema cannot express: references between parts of the plan. */
function structuralProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const markets = new Set(plan.markets.map((m) => m.alias));
  const params = new Set(plan.params.map((p) => p.name));
  const nodeCount = plan.nodes.length;
  const ref = (path: string, i: number | undefined): void => {
    if (i !== undefined && (i < 0 || i >= nodeCount)) problems.push(`${path}: node ${i} does not exist (the plan has ${nodeCount})`);
  };
  const market = (path: string, alias: string | undefined): void => {
    if (alias !== undefined && !markets.has(alias)) problems.push(`${path}: unknown market '${alias}'`);
  };
  if (markets.size !== plan.markets.length) problems.push('/markets: duplicate alias');
  plan.nodes.forEach((n, i) => {
    if ('args' in n) n.args.forEach((a, j) => {
      if (a >= i) problems.push(`/nodes/${i}/args/${j}: refers to node ${a}, which does not come before it`);
    });
    if (n.op === 'param' && !params.has(n.param)) problems.push(`/nodes/${i}/param: unknown param '${n.param}'`);
    if (n.op === 'book' || n.op === 'round_tick') market(`/nodes/${i}/market`, n.market);
    if (n.op === 'account') market(`/nodes/${i}/market`, n.market);
    if (n.op === 'stateful') n.markets?.forEach((m, j) => market(`/nodes/${i}/markets/${j}`, m));
    if (n.op === 'const' && typeof n.value === 'number' && !Number.isFinite(n.value)) problems.push(`/nodes/${i}/value: not a finite number`);
  });
  plan.signals.forEach((s, i) => ref(`/signals/${i}/node`, s.node));
  plan.fair.forEach((f, i) => {
    ref(`/fair/${i}/node`, f.node);
    market(`/fair/${i}/market`, f.market);
  });
  plan.scenarios.forEach((s, i) => {
    ref(`/scenarios/${i}/enter`, s.enter);
    ref(`/scenarios/${i}/exit`, s.exit);
    s.overrides.forEach((o, j) => {
      if (!params.has(o.param)) problems.push(`/scenarios/${i}/overrides/${j}/param: unknown param '${o.param}'`);
    });
  });
  plan.quotes.forEach((q, i) => {
    market(`/quotes/${i}/market`, q.market);
    for (const k of ['bid', 'ask', 'bidSize', 'askSize'] as const) ref(`/quotes/${i}/${k}`, q[k]);
    ref(`/quotes/${i}/ladder/levels`, q.ladder?.levels);
    ref(`/quotes/${i}/ladder/step`, q.ladder?.step);
    ref(`/quotes/${i}/refresh/tolerance`, q.refresh?.tolerance);
    q.bindings.forEach((b, j) => ref(`/quotes/${i}/bindings/${j}/node`, b.node));
  });
  plan.risk.forEach((r, i) => {
    market(`/risk/${i}/market`, r.market);
    ref(`/risk/${i}/limit`, r.limit);
    ref(`/risk/${i}/reference`, r.reference);
    ref(`/risk/${i}/condition`, r.condition);
    const needs = r.kind === 'condition' ? r.condition : r.limit;
    if (needs === undefined) problems.push(`/risk/${i}: a ${r.kind} rule needs ${r.kind === 'condition' ? 'a condition' : 'a limit'}`);
    if (r.kind === 'price_band' && r.reference === undefined) problems.push(`/risk/${i}/reference: a price band needs a reference price`);
  });
  plan.hedges.forEach((h, i) => {
    market(`/hedges/${i}/source`, h.source);
    market(`/hedges/${i}/market`, h.market);
    for (const k of ['trigger', 'ratio', 'target', 'maxSlippage'] as const) ref(`/hedges/${i}/${k}`, h[k]);
  });
  plan.adaptations.forEach((a, i) => {
    ref(`/adaptations/${i}/toward`, a.toward);
    if (!params.has(a.param)) problems.push(`/adaptations/${i}/param: unknown param '${a.param}'`);
  });
  return problems;
}
