// The catalogue of every diagnostic the Quoin toolchain can give: a stable code, a default severity,
// a title, what it means, and an example that triggers it. docs/dsl.md's error list is generated from
// this table (npm run gen:docs), and tests/compiler/catalogue.test.ts compiles every example and
// checks that it yields its code — so an entry cannot exist without a way to trigger it.
import type { EnvelopeBody } from '../schemas/generated/api.js';
import type { Diagnostic, SourceRange } from '../schemas/generated/diagnostic.js';

export type Severity = Diagnostic['severity'];

export interface CatalogueEntry {
  severity: Severity;
  title: string;
  explanation: string;
  /** A complete source file that yields this code. */
  example: string;
  /** Envelope codes (Q6xxx): the risk envelope the example is checked against. */
  envelope?: Array<EnvelopeBody & { scope: string }>;
}

/** A small valid strategy around `body`, for the examples. */
export function exampleStrategy(body: string, params = 'base_spread = 8 bps in [2 bps, 50 bps]\n    order_size = 0.01 BTC\n    max_position = 0.5 BTC'): string {
  return `strategy "example" version 1 {
  market m = binance:"BTC/USDT"
  params {
    ${params}
  }
${body}
}
`;
}

const quote = `  quote m {
    bid = m.bid
    ask = m.ask
    size = order_size
  }`;

const risk = `  risk {
    position abs <= max_position -> reduce_only
  }`;

const ok = (extra: string): string => exampleStrategy(`${quote}\n${risk}\n${extra}`);

export const catalogue = {
  // ---- Q1xxx: syntax ----
  Q1001: {
    severity: 'error',
    title: 'Unexpected character',
    explanation: 'The file contains a character that is not part of the language, such as @ or $. Comments start with #.',
    example: ok('  signal s = m.mid @ 2'),
  },
  Q1002: {
    severity: 'error',
    title: 'Expected something else here',
    explanation: 'A clause is incomplete or a word is out of place; the message names what the clause needed, such as a duration after min_interval.',
    example: ok('  signal s m.mid'),
  },
  Q1003: {
    severity: 'error',
    title: 'Expected a value or a clause',
    explanation: 'A value, a rule or a block was expected but something else was found.',
    example: ok('  signal s = * 2'),
  },
  Q1004: {
    severity: 'error',
    title: 'Text after the end of the strategy',
    explanation: 'Everything must sit inside strategy "…" version N { … }; the closing brace of the strategy ends the file.',
    example: `${ok('')}market x = binance:"ETH/USDT"\n`,
  },
  Q1005: {
    severity: 'error',
    title: 'Input too deeply nested or too large',
    explanation: 'Brackets may nest at most 64 levels deep, one expression may have at most 500 operators, and a file may be at most 4 MB; what lies beyond the limit is not checked.',
    example: ok(`  signal s = ${'('.repeat(250)}1${')'.repeat(250)}`),
  },
  Q1006: {
    severity: 'error',
    title: 'Field access on something that is not a market',
    explanation: 'Only a market alias can be followed by a field: m.mid, m.depth(10 bps).',
    example: ok('  signal s = abs(m.mid).mid'),
  },
  Q1007: {
    severity: 'error',
    title: 'Unterminated text',
    explanation: 'A quoted text (a strategy name, a symbol, an event name) must end with " on the same line.',
    example: 'strategy "example version 1 {\n}\n',
  },
  Q1008: {
    severity: 'error',
    title: 'Too many errors',
    explanation: 'After 100 errors the compiler stops reporting more; fix the first ones and check again.',
    example: exampleStrategy(`${quote}\n${risk}\n${'  signal @\n'.repeat(120)}`),
  },

  Q1009: {
    severity: 'error',
    title: 'File cannot be read',
    explanation: 'The file given to quoin check or quoin compile does not exist, is a directory without .quoin files, is too large, or cannot be read.',
    example: '',
  },

  // ---- Q2xxx: names ----
  Q2001: {
    severity: 'error',
    title: 'Unknown name',
    explanation: 'A name is used that is not a param, a signal, a quote binding or a built-in. The message suggests the closest known name.',
    example: ok('  signal s = base_sprad * 2'),
  },
  Q2002: {
    severity: 'error',
    title: 'Declared twice',
    explanation: 'Markets, params, signals, scenarios and quote bindings need unique names; each clause may appear once.',
    example: ok('  signal s = m.mid\n  signal s = m.bid'),
  },
  Q2003: {
    severity: 'error',
    title: 'Unknown market',
    explanation: 'A market alias is used that no `market` line declares.',
    example: ok('  signal s = x.mid'),
  },
  Q2004: {
    severity: 'error',
    title: 'Unknown market field',
    explanation: 'The field after a market alias is not one of the market fields (bid, ask, mid, microprice, depth(…), …).',
    example: ok('  signal s = m.midprice'),
  },
  Q2005: {
    severity: 'error',
    title: 'Unknown function',
    explanation: 'The function called is not a built-in. docs/dsl.md lists them all with their signatures.',
    example: ok('  signal s = ewma(m.mid, halflife: 60s)'),
  },
  Q2006: {
    severity: 'error',
    title: 'Unknown param',
    explanation: 'A scenario override or an adapt rule names a param that the params block does not declare.',
    example: ok('  scenario wide when m.spread > 0 { base_sprad = 20 bps }'),
  },
  Q2007: {
    severity: 'error',
    title: 'Name hides a built-in',
    explanation: 'A param, signal or quote binding may not take the name of a built-in function or value (position, pnl, ewm_mean, fair, …) or of a market alias, and a market alias may not be a clause word (abs, long, short, …).',
    example: ok('  signal position = m.mid'),
  },
  Q2008: {
    severity: 'error',
    title: 'Definition depends on itself',
    explanation: 'Signals and quote bindings may refer to each other in any order, but not in a circle.',
    example: ok('  signal a = b\n  signal b = a'),
  },
  Q2009: {
    severity: 'error',
    title: 'Unknown unit',
    explanation: 'Units are bps, %, and the assets of declared markets (BTC, USDT, …). Durations are written without a space: 500ms, 5s, 2m, 1h.',
    example: ok('  signal s = m.mid * 2 bp'),
  },
  Q2010: {
    severity: 'error',
    title: 'Unknown market option',
    explanation: 'Market options are tick, lot, min_qty, min_notional and contract.',
    example: exampleStrategy(`${quote}\n${risk}`).replace('market m = binance:"BTC/USDT"', 'market m = binance:"BTC/USDT" { tik = 0.01 }'),
  },
  Q2011: {
    severity: 'error',
    title: 'Market metadata unknown',
    explanation: 'The market is not in the built-in catalogue, so its tick and lot sizes must be given: market m = venue:"SYM/QUOTE" { tick = 0.01  lot = 0.001 }.',
    example: exampleStrategy(`${quote}\n${risk}`).replace('binance:"BTC/USDT"', 'kraken:"BTC/EUR"'),
  },
  Q2012: {
    severity: 'error',
    title: 'Wrong arguments',
    explanation: 'A built-in was called with too many or too few arguments, or with a named argument it does not have.',
    example: ok('  signal s = ewm_mean(m.mid, speed: 60s)'),
  },

  Q2013: {
    severity: 'error',
    title: 'Unknown stress scenario',
    explanation: 'The stress block names scenarios the approval step requires: gap_up, gap_down, flash_crash, vol_x3, liquidity_drought, toxic_sell, toxic_buy, latency_spike, venue_outage, stale_feed.',
    example: ok('  stress { flash_crash, liquidity_draught }'),
  },

  // ---- Q3xxx: types and units ----
  Q3001: {
    severity: 'error',
    title: 'Units do not match',
    explanation: 'Both sides of +, −, comparisons, min, max and clamp need the same unit: price + qty is an error; turn one side into the other first.',
    example: ok('  signal s = m.mid + order_size'),
  },
  Q3002: {
    severity: 'error',
    title: 'Units cannot be multiplied or divided this way',
    explanation: 'Allowed: price × qty → notional; bps × price → price; notional ÷ price → qty; same ÷ same → plain number; plain numbers scale anything.',
    example: ok('  signal s = m.mid * m.mid'),
  },
  Q3003: {
    severity: 'error',
    title: 'Wrong kind of value',
    explanation: 'A clause or an argument needs a particular unit, such as a duration for min_interval or a price for bid.',
    example: exampleStrategy(`  quote m {\n    bid = m.bid\n    ask = m.ask\n    size = order_size\n    min_interval m.mid\n  }\n${risk}`),
  },
  Q3004: {
    severity: 'error',
    title: 'Condition expected',
    explanation: 'Scenario, hedge and risk conditions must be true/false: a comparison, or conditions joined with and/or/not.',
    example: ok('  scenario s when m.spread { pause }'),
  },
  Q3005: {
    severity: 'error',
    title: 'Fixed value expected',
    explanation: 'Windows, half-lives, intervals and bounds must be known before the strategy runs: literals or params that no scenario or adapt rule changes.',
    example: ok('  signal s = ewm_mean(m.mid, halflife: max(1h, time_of_day))'),
  },
  Q3006: {
    severity: 'error',
    title: 'Wrong asset',
    explanation: 'A quantity, price or notional is in another asset than the place it is used: an ETH size on a BTC market, a USD limit on a USDT strategy.',
    example: exampleStrategy(`  quote m {\n    bid = m.bid\n    ask = m.ask\n    size = 0.1 ETH\n  }\n${risk}`).replace('market m = binance:"BTC/USDT"', 'market m = binance:"BTC/USDT"\n  market e = binance:"ETH/USDT"'),
  },
  Q3007: {
    severity: 'error',
    title: 'Plain number needs a unit',
    explanation: 'A number without a unit is added to or compared with bps, a duration, a price or a quantity. Write the unit: 5 bps, 5s, 0.1 BTC.',
    example: ok('  scenario s when m.spread > 5 { pause }'),
  },
  Q3008: {
    severity: 'error',
    title: 'Assets differ',
    explanation: 'Two quantities, prices or notionals in different assets are combined.',
    example: ok('  signal s = 1 BTC + 1 ETH').replace('market m = binance:"BTC/USDT"', 'market m = binance:"BTC/USDT"\n  market e = binance:"ETH/USDT"'),
  },
  Q3009: {
    severity: 'error',
    title: 'Text where a value is needed',
    explanation: 'Quoted text is only used for names: strategy names, symbols and event("name").',
    example: ok('  signal s = "mid"'),
  },
  Q3010: {
    severity: 'error',
    title: 'Needs a dimensionless value',
    explanation: 'Powers, sqrt and exp work on plain numbers, bps and durations; divide a price by a reference price first.',
    example: ok('  signal s = m.mid ^ 2'),
  },
  Q3011: {
    severity: 'error',
    title: 'Whole number expected',
    explanation: 'Ladder levels and level indexes are counts: the value, its bounds and every override must be whole numbers.',
    example: exampleStrategy(`  quote m {\n    bid = m.bid\n    ask = m.ask\n    size = order_size\n    ladder 2.5 step 4 bps\n  }\n${risk}`),
  },

  Q3012: {
    severity: 'error',
    title: 'Not a finite number',
    explanation: 'A value fixed before the strategy runs (a param, bound, override, window or limit) computes to infinity or to no number at all: 1e300 * 1e300, exp(1000), (0 - 1) ^ 0.5.',
    example: ok('  scenario z when m.spread > g * m.mid { pause }').replace('max_position = 0.5 BTC', 'max_position = 0.5 BTC\n    g = exp(1000)'),
  },

  // ---- Q4xxx: rules and limits ----
  Q4001: {
    severity: 'error',
    title: 'Value outside its bounds',
    explanation: 'A param value, or a scenario override of it, lies outside the bounds declared with `in [lo, hi]`.',
    example: exampleStrategy(`${quote}\n${risk}`, 'base_spread = 80 bps in [2 bps, 50 bps]\n    order_size = 0.01 BTC\n    max_position = 0.5 BTC'),
  },
  Q4002: {
    severity: 'error',
    title: 'Bounds in the wrong order',
    explanation: 'In `in [lo, hi]` the first bound must not exceed the second.',
    example: exampleStrategy(`${quote}\n${risk}`, 'base_spread = 8 bps in [50 bps, 2 bps]\n    order_size = 0.01 BTC\n    max_position = 0.5 BTC'),
  },
  Q4003: {
    severity: 'error',
    title: 'Quote incomplete',
    explanation: 'A quote block needs bid, ask and either size or both bid_size and ask_size.',
    example: exampleStrategy(`  quote m {\n    bid = m.bid\n    ask = m.ask\n  }\n${risk}`),
  },
  Q4004: {
    severity: 'error',
    title: 'Market quoted twice',
    explanation: 'Each market has at most one quote block and one fair value.',
    example: ok(quote),
  },
  Q4005: {
    severity: 'error',
    title: 'No market declared',
    explanation: 'A strategy needs at least one market line.',
    example: 'strategy "empty" version 1 {\n}\n',
  },
  Q4006: {
    severity: 'error',
    title: 'Adapt rule outside approved bounds',
    explanation: 'An adapted param must have bounds, and `within [lo, hi]` must lie inside them: adaptation never leaves what a risk manager approved.',
    example: ok('  adapt order_size toward m.bid_size / 10 every 30s'),
  },
  Q4007: {
    severity: 'error',
    title: 'Hedge rule incomplete',
    explanation: 'A hedge rule needs `on` naming another declared market, and may give ratio (default 1), target (default 0), via (default taker) and slippage.',
    example: ok('  hedge when abs(position) > 0.2 BTC { ratio 1 }'),
  },
  Q4008: {
    severity: 'error',
    title: 'Limit or interval must be positive',
    explanation: 'Risk limits, windows, half-lives and intervals must be greater than zero (loss and drawdown limits are written as positive amounts).',
    example: exampleStrategy(`${quote}\n  risk {\n    position abs <= 0 BTC -> reduce_only\n  }`),
  },
  Q4009: {
    severity: 'warning',
    title: 'No position limit',
    explanation: 'A quoted market has no position limit in the risk block, so nothing stops inventory from growing. Add: position abs <= max_position -> reduce_only.',
    example: exampleStrategy(quote),
  },
  Q4010: {
    severity: 'warning',
    title: 'Declared but never used',
    explanation: 'A param or signal is declared but nothing refers to it.',
    example: ok('  signal unused = m.mid'),
  },
  Q4011: {
    severity: 'warning',
    title: 'Limit depends on market data',
    explanation: 'A risk limit moves with market data, so its worst case cannot be shown to a risk manager. Prefer a param with bounds.',
    example: exampleStrategy(`${quote}\n  risk {\n    position abs <= m.bid_size -> reduce_only\n  }`),
  },
  Q4012: {
    severity: 'error',
    title: 'Rate out of range',
    explanation: 'An adapt rate is the fraction of the gap closed at each step: more than 0 and at most 1.',
    example: ok('  adapt base_spread toward m.spread / m.mid within its bounds every 30s rate 2'),
  },
  Q4013: {
    severity: 'error',
    title: 'Scenario overrides that never apply',
    explanation: 'A scenario that pauses quoting also overrides params: while it is active nothing is quoted, so the overrides never apply.',
    example: ok('  scenario s when m.spread > 10 * m.tick { pause\n base_spread = 20 bps }'),
  },
  Q4014: {
    severity: 'error',
    title: 'Market alias used as a value',
    explanation: 'A market alias on its own is not a value; read a field of it, such as m.mid.',
    example: ok('  signal s = m'),
  },

  Q4015: {
    severity: 'error',
    title: 'Strategy header incomplete',
    explanation: 'The strategy needs a non-empty name (at most 200 characters) and a whole-number version: strategy "btc-usdt-mm" version 3 { … }.',
    example: exampleStrategy(`${quote}\n${risk}`).replace('version 1', 'version 1.5'),
  },

  // ---- Q5xxx: plan and internal ----
  Q5001: {
    severity: 'error',
    title: 'Plan failed schema validation',
    explanation: 'The compiler produced a plan that does not match schemas/plan.schema.json. This is a compiler bug; please report it with the source file.',
    example: '',
  },
  Q5002: {
    severity: 'error',
    title: 'Internal compiler error',
    explanation: 'The compiler failed unexpectedly. This is a compiler bug; the message says where. Please report it with the source file.',
    example: '',
  },
  // ---- Q6xxx: the risk manager's envelope (compiler/envelope.ts, checked before approval) ----
  Q6001: {
    severity: 'error',
    title: 'Limit exceeds the risk envelope',
    explanation: 'At its worst case (the largest value any scenario override or adaptation can give it) this limit allows more position, notional, daily loss or drawdown than the risk manager\'s envelope. Tighten the limit or the bounds of the params it uses, or ask the risk manager to widen the envelope.',
    example: exampleStrategy(`${quote}\n${risk}`),
    envelope: [{ scope: 'global', maxPosition: 0.25 }],
  },
  Q6002: {
    severity: 'error',
    title: 'No limit bounds what the envelope caps',
    explanation: 'The envelope caps a quantity (a position, the notional, the daily loss or the drawdown) that no limit of the rule set bounds. Add a risk rule for it no looser than the envelope.',
    example: exampleStrategy(`${quote}\n${risk}`),
    envelope: [{ scope: 'global', maxDailyLoss: 500 }],
  },
  Q6003: {
    severity: 'error',
    title: 'Param bounds outside the envelope',
    explanation: 'The risk manager allows this param only inside a range, and the param\'s declared bounds (or its value, when it has none) reach outside it. Narrow the bounds with in [lo, hi].',
    example: exampleStrategy(`${quote}\n${risk}`),
    envelope: [{ scope: 'global', paramBounds: { base_spread: { lo: 0.0005, hi: 0.003 } } }],
  },
} satisfies Record<string, CatalogueEntry>;

export type DiagnosticCode = keyof typeof catalogue;

export type { Diagnostic, SourceRange };

export function makeDiagnostic(args: {
  code: DiagnosticCode;
  message: string;
  file: string;
  range: SourceRange;
  severity?: Severity;
  related?: Diagnostic['related'];
  suggestion?: string;
}): Diagnostic {
  const d: Diagnostic = {
    code: args.code,
    severity: args.severity ?? catalogue[args.code].severity,
    message: args.message,
    file: args.file,
    range: args.range,
  };
  if (args.related && args.related.length > 0) d.related = args.related;
  if (args.suggestion !== undefined) d.suggestion = args.suggestion;
  return d;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line}:${d.range.start.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
