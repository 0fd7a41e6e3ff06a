// Binder: collects every declaration of a strategy into tables (markets, params, signals, fair
// values, scenarios, quotes, rules), resolves market metadata, and reports names declared twice or
// clashing with built-ins. Expressions are resolved later, by the checker.
import { closest } from 'fastest-levenshtein';
import type * as A from '../dsl/ast.js';
import type { Market } from '../schemas/generated/plan.js';
import { reservedNames, type MarketTypes } from './builtins.js';
import type { Reporter } from './report.js';
import { lookupMarket, parseSymbol, knownVenues } from './market-catalogue.js';
import { T } from './units.js';

export interface MarketSym {
  alias: string;
  decl: A.MarketDecl;
  market: Market;
  types: MarketTypes;
}

export interface Declarations {
  markets: Map<string, MarketSym>;
  params: Map<string, A.ParamDecl>;
  signals: Map<string, A.SignalDecl>;
  fairs: Map<string, A.FairDecl>;
  scenarios: A.ScenarioDecl[];
  quotes: Map<string, A.QuoteBlock>;
  risk: A.RiskRuleAst[];
  hedges: A.HedgeDecl[];
  adapts: A.AdaptDecl[];
  stress: A.Ident[];
  /** The first declared market: what bare `position`, `fair` and unqualified rules refer to. */
  primary: MarketSym | undefined;
}

const marketOptions = ['tick', 'lot', 'min_qty', 'min_notional', 'contract'] as const;
/** Words that may follow a market alias in clauses (position m abs …): an alias cannot be one. */
const clauseWords = new Set(['abs', 'long', 'short', 'daily', 'total', 'within', 'of', 'per']);
const contracts = ['spot', 'perpetual', 'equity'] as const;

export function bind(ast: A.StrategyAst, report: Reporter): Declarations {
  const d: Declarations = {
    markets: new Map(), params: new Map(), signals: new Map(), fairs: new Map(), scenarios: [],
    quotes: new Map(), risk: [], hedges: [], adapts: [], stress: [], primary: undefined,
  };
  checkHeader(ast, report);
  const scenarioNames = new Map<string, A.Ident>();
  const firstQuote = new Map<string, A.Ident>();

  const claimName = (id: A.Ident, what: string, taken: Map<string, { range: A.SourceRange }>): boolean => {
    if (reservedNames.has(id.name)) {
      report('Q2007', `'${id.name}' is a built-in; give this ${what} another name`, id.range);
      return false;
    }
    const prior = taken.get(id.name);
    if (prior) {
      report('Q2002', `'${id.name}' is already declared at line ${prior.range.start.line}`, id.range, {
        related: [{ message: 'first declared here', range: prior.range }],
      });
      return false;
    }
    return true;
  };

  // All value names share one namespace, so a signal cannot silently shadow a param.
  const valueNames = new Map<string, { range: A.SourceRange }>();

  for (const item of ast.items) {
    switch (item.kind) {
      case 'market': {
        if (clauseWords.has(item.alias.name)) {
          report('Q2007', `'${item.alias.name}' is a word of the risk and hedge clauses (position ${item.alias.name} …); give this market another alias`, item.alias.range);
          break;
        }
        const taken = valueNames.get(item.alias.name);
        if (taken && !d.markets.has(item.alias.name)) {
          report('Q2002', `'${item.alias.name}' is already declared at line ${taken.range.start.line}`, item.alias.range, { related: [{ message: 'first declared here', range: taken.range }] });
          break;
        }
        if (d.markets.has(item.alias.name)) {
          claimName(item.alias, 'market', new Map([[item.alias.name, { range: d.markets.get(item.alias.name)?.decl.alias.range ?? item.alias.range }]]));
          break;
        }
        if (reservedNames.has(item.alias.name)) {
          report('Q2007', `'${item.alias.name}' is a built-in; give this market another alias`, item.alias.range);
          break;
        }
        const sym = resolveMarket(item, report);
        if (sym) {
          d.markets.set(item.alias.name, sym);
          valueNames.set(item.alias.name, { range: item.alias.range });
          d.primary ??= sym;
        }
        break;
      }
      case 'params':
        for (const p of item.params) {
          if (d.markets.has(p.name.name)) {
            report('Q2007', `'${p.name.name}' is a market alias; give this param another name`, p.name.range);
          } else if (claimName(p.name, 'param', valueNames)) {
            d.params.set(p.name.name, p);
            valueNames.set(p.name.name, { range: p.name.range });
          }
        }
        break;
      case 'signal':
        if (claimName(item.name, 'signal', valueNames)) {
          d.signals.set(item.name.name, item);
          valueNames.set(item.name.name, { range: item.name.range });
        }
        break;
      case 'fair': {
        const key = item.market?.name ?? '';
        const prior = d.fairs.get(key);
        if (prior) {
          report('Q4004', `a fair value for ${key ? `market ${key}` : 'the first market'} is already declared at line ${prior.range.start.line}`, item.range);
        } else {
          d.fairs.set(key, item);
        }
        break;
      }
      case 'scenario':
        if (claimName(item.name, 'scenario', scenarioNames)) {
          scenarioNames.set(item.name.name, item.name);
          d.scenarios.push(item);
        }
        break;
      case 'quote': {
        const prior = firstQuote.get(item.market.name);
        if (prior) {
          report('Q4004', `market ${item.market.name} already has a quote block at line ${prior.range.start.line}`, item.market.range, {
            related: [{ message: 'first quote block', range: prior.range }],
          });
        } else {
          firstQuote.set(item.market.name, item.market);
          d.quotes.set(item.market.name, item);
        }
        break;
      }
      case 'risk':
        d.risk.push(...item.rules);
        break;
      case 'hedge':
        d.hedges.push(item);
        break;
      case 'adapt':
        d.adapts.push(item);
        break;
      case 'stress':
        d.stress.push(...item.names);
        break;
    }
  }

  // `fair = …` without a market means the first market; re-key it now that markets are known.
  const bare = d.fairs.get('');
  if (bare) {
    d.fairs.delete('');
    if (d.primary) {
      const explicit = d.fairs.get(d.primary.alias);
      if (explicit) report('Q4004', `market ${d.primary.alias} has two fair values (lines ${bare.range.start.line} and ${explicit.range.start.line})`, explicit.range);
      else d.fairs.set(d.primary.alias, bare);
    }
  }
  for (const [alias, f] of d.fairs) {
    if (!d.markets.has(alias) && f.market) reportUnknownMarket(f.market, d, report);
  }
  for (const [alias, q] of d.quotes) {
    if (!d.markets.has(alias)) {
      reportUnknownMarket(q.market, d, report);
      d.quotes.delete(alias);
    }
  }
  if (d.markets.size === 0) {
    report('Q4005', 'declare at least one market, like: market m = binance:"BTC/USDT"', ast.name.range);
  }
  return d;
}

export function reportUnknownMarket(id: A.Ident, d: Declarations, report: Reporter): void {
  const known = [...d.markets.keys()];
  const guess = known.length > 0 ? closest(id.name, known) : undefined;
  report('Q2003', `no market is called '${id.name}'${guess ? `; did you mean ${guess}?` : known.length === 0 ? '; declare it with a market line' : ''}`, id.range, guess ? { suggestion: guess } : {});
}

function resolveMarket(decl: A.MarketDecl, report: Reporter): MarketSym | undefined {
  const venue = decl.venue.name;
  const symbol = decl.symbol.value;
  const parsed = parseSymbol(symbol);
  if (!parsed) {
    report('Q2011', `'${symbol}' is not a market symbol; write it as BASE/QUOTE (BTC/USDT) or BASE/QUOTE:SETTLE for perpetuals (BTC/USDT:USDT)`, decl.symbol.range);
    return undefined;
  }
  const known = lookupMarket(venue, symbol);
  const given = new Map<string, A.Assignment>();
  for (const opt of decl.options) {
    if (!(marketOptions as readonly string[]).includes(opt.name.name)) {
      const guess = closest(opt.name.name, [...marketOptions]);
      report('Q2010', `'${opt.name.name}' is not a market option; the options are ${marketOptions.join(', ')}; did you mean ${guess}?`, opt.name.range, { suggestion: guess });
      continue;
    }
    if (given.has(opt.name.name)) {
      report('Q2002', `market option '${opt.name.name}' is given twice`, opt.name.range);
      continue;
    }
    given.set(opt.name.name, opt);
  }

  const num = (key: string): number | undefined => {
    const a = given.get(key);
    if (!a) return undefined;
    const v = a.value;
    // Market options are plain numbers, optionally with the market's own asset as unit (lot = 0.001 BTC).
    if (v.kind === 'number' && (!v.unit || v.unit.name === parsed.base || v.unit.name === parsed.quote)) {
      if (v.value < 0 || (v.value === 0 && (key === 'tick' || key === 'lot'))) {
        report('Q4008', `market option ${key} must be ${key === 'tick' || key === 'lot' ? 'greater than 0' : 'at least 0'}`, v.range);
        return undefined;
      }
      return v.value;
    }
    report('Q3003', `market option ${key} needs a plain number${key === 'tick' ? ` (a price step in ${parsed.quote})` : key === 'lot' || key === 'min_qty' ? ` (a quantity in ${parsed.base})` : ` (in ${parsed.quote})`}`, v.range);
    return undefined;
  };

  let contract: Market['contract'] = known?.contract ?? (parsed.settle ? 'perpetual' : 'spot');
  const c = given.get('contract');
  if (c) {
    const name = c.value.kind === 'name' ? c.value.name : '';
    if ((contracts as readonly string[]).includes(name)) contract = name as Market['contract'];
    else report('Q3003', `contract must be one of ${contracts.join(', ')}`, c.value.range);
  }

  const tick = num('tick') ?? known?.tickSize;
  const lot = num('lot') ?? known?.lotSize;
  if (tick === undefined || lot === undefined) {
    const venues = knownVenues();
    report('Q2011', `no built-in metadata for ${venue}:"${symbol}"${venues.includes(venue) ? '' : ` (known venues: ${venues.join(', ')})`}; give its tick and lot sizes: market ${decl.alias.name} = ${venue}:"${symbol}" { tick = 0.01  lot = 0.001 }`, decl.symbol.range);
    return undefined;
  }
  const declared = given.size > 0;
  const market: Market = {
    alias: decl.alias.name,
    venue,
    symbol,
    base: parsed.base,
    quote: parsed.quote,
    contract,
    tickSize: tick,
    lotSize: lot,
    minQty: num('min_qty') ?? known?.minQty ?? lot,
    minNotional: num('min_notional') ?? known?.minNotional ?? 0,
    metadata: declared || !known ? 'declared' : 'catalogue',
  };
  return {
    alias: decl.alias.name,
    decl,
    market,
    types: { price: T.price(`${parsed.quote}/${parsed.base}`), qty: T.qty(parsed.base), notional: T.notional(parsed.quote) },
  };
}

function checkHeader(ast: A.StrategyAst, report: Reporter): void {
  const name = ast.name.value;
  if (name.trim() === '') report('Q4015', 'give the strategy a name: strategy "btc-usdt-mm" version 1 { … }', ast.name.range);
  else if (name.length > 200) report('Q4015', `the strategy name is ${name.length} characters long; the limit is 200`, ast.name.range);
  const v = ast.version.value;
  if (!Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) report('Q4015', `the version must be a whole number like 3, not ${v}`, ast.version.range);
}
