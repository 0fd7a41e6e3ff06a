// Which feed market drives which plan market. A plan names markets by venue and symbol; recorded
// data names its own. They are matched exactly where they can be, by symbol next, and — for a plan
// with one market and data with one market — "as template" (the A–S template run on AAPL data),
// with a note saying so. Explicit choices (`--market m=venue:SYMBOL`) win over all of that.
import type { Plan } from '../schemas/generated/plan.js';
import type { FeedMarket } from './events.js';

export interface MarketBindingResult {
  /** feedToPlan[f] = plan market index fed by feed market f, or -1. */
  feedToPlan: Int16Array;
  /** planToFeed[p] = feed market index of plan market p. */
  planToFeed: number[];
  notes: string[];
}

/**
 * A plan the data cannot drive. `message` words it for the command line (`--market`), `apiMessage`
 * for an API request, whose bindings are its `markets` field.
 */
export class BindingError extends Error {
  override name = 'BindingError';
  readonly apiMessage: string;
  constructor(cli: string, api: string = cli) {
    super(cli);
    this.apiMessage = api;
  }
}

/** `explicit` maps plan aliases to `venue:SYMBOL` (or just `SYMBOL`) of a feed market. */
export function bindMarkets(plan: Plan, feed: readonly FeedMarket[], explicit: Record<string, string> = {}): MarketBindingResult {
  const planToFeed: number[] = plan.markets.map(() => -1);
  const used = new Set<number>();
  const notes: string[] = [];
  const describe = (f: FeedMarket | undefined): string => (f ? `${f.venue}:${f.symbol}` : '?');

  const boundBy = new Map<number, string>();
  for (const [alias, target] of Object.entries(explicit)) {
    const cli = `--market ${alias}=${target}`;
    const api = `markets.${alias} = "${target}"`;
    const p = plan.markets.findIndex((m) => m.alias === alias);
    if (p < 0) {
      const why = `the plan has no market '${alias}' (it has ${plan.markets.map((m) => m.alias).join(', ')})`;
      throw new BindingError(`--market ${alias}=…: ${why}`, `${api}: ${why}`);
    }
    const matches = (x: FeedMarket): boolean => `${x.venue}:${x.symbol}` === target || x.symbol === target;
    const f = feed.findIndex((x, i) => !used.has(i) && matches(x));
    if (f < 0) {
      const taken = feed.findIndex(matches);
      const why =
        taken >= 0
          ? `${describe(feed[taken])} already drives market ${boundBy.get(taken) ?? '?'}; each plan market needs a data market of its own`
          : `the data has no such market (it has ${feed.map(describe).join(', ')})`;
      throw new BindingError(`${cli}: ${why}`, `${api}: ${why}`);
    }
    planToFeed[p] = f;
    used.add(f);
    boundBy.set(f, alias);
  }

  const bindWhere = (match: (m: Plan['markets'][number], f: FeedMarket) => boolean, note?: (p: string, f: string) => string): void => {
    plan.markets.forEach((m, p) => {
      if (planToFeed[p] !== -1) return;
      const f = feed.findIndex((x, i) => !used.has(i) && match(m, x));
      if (f < 0) return;
      planToFeed[p] = f;
      used.add(f);
      if (note) notes.push(note(`${m.alias} (${m.venue}:${m.symbol})`, describe(feed[f])));
    });
  };
  bindWhere((m, f) => m.venue === f.venue && m.symbol === f.symbol);
  bindWhere((m, f) => m.symbol === f.symbol, (p, f) => `market ${p} is driven by ${f} (same symbol, other venue)`);

  const unboundPlan = planToFeed.flatMap((f, p) => (f === -1 ? [p] : []));
  const unusedFeed = feed.flatMap((_, i) => (used.has(i) ? [] : [i]));
  if (unboundPlan.length === 1 && unusedFeed.length === 1) {
    const p = unboundPlan[0] ?? 0;
    const f = unusedFeed[0] ?? 0;
    planToFeed[p] = f;
    used.add(f);
    const m = plan.markets[p];
    notes.push(`market ${m?.alias} (${m?.venue}:${m?.symbol}) is driven by ${describe(feed[f])} as a template: prices and sizes keep the plan's units`);
  }

  const missing = planToFeed.flatMap((f, p) => (f === -1 ? [plan.markets[p]] : []));
  if (missing.length > 0) {
    const what = `no data for market${missing.length > 1 ? 's' : ''} ${missing.map((m) => `${m?.alias} (${m?.venue}:${m?.symbol})`).join(', ')}; the data has ${feed.map(describe).join(', ') || 'no markets'}`;
    throw new BindingError(`${what}; choose with --market ALIAS=VENUE:SYMBOL`, `${what}; bind them with the request's markets field, {"ALIAS": "VENUE:SYMBOL"}`);
  }
  const feedToPlan = new Int16Array(feed.length).fill(-1);
  planToFeed.forEach((f, p) => {
    feedToPlan[f] = p;
  });
  return { feedToPlan, planToFeed, notes };
}
