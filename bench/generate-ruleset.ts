// A large, realistic rule set for the compile benchmarks: a multi-asset market-making book with
// one "desk" per market (params with bounds, signals, regime scenarios with hysteresis, an
// inventory-skewed ladder quote, per-market risk rules and an adaptation rule), spot/perpetual
// hedges for BTC and ETH, and book-wide risk limits. Every desk differs in its numbers, so the
// compiler sees varied literals rather than one block repeated. The output compiles without errors
// (tests/bench/generate-ruleset.test.ts checks it).

/** Base assets of the desks, quoted in USDT; codes must be identifiers so they can serve as units. */
const assets = [
  'SOL', 'XRP', 'ADA', 'DOGE', 'AVAX', 'DOT', 'LINK', 'LTC', 'BCH', 'ATOM', 'UNI', 'XLM', 'ETC', 'FIL', 'APT', 'ARB',
  'NEAR', 'ICP', 'AAVE', 'MKR', 'SUI', 'INJ', 'TIA', 'SEI', 'TRX', 'TON', 'SHIB', 'PEPE', 'WIF', 'RNDR', 'IMX', 'STX',
  'HBAR', 'VET', 'ALGO', 'EGLD', 'SAND', 'MANA', 'AXS', 'GRT', 'FTM', 'RUNE', 'KAVA', 'CRV', 'SNX', 'COMP', 'YFI', 'SUSHI',
  'ZEC', 'DASH', 'XMR', 'EOS', 'XTZ', 'THETA', 'FLOW', 'CHZ', 'ENJ', 'BAT', 'ZIL', 'QTUM', 'ICX', 'ONT', 'WAVES', 'KSM',
];

/** Aliases are lower-case asset codes; these would clash with a keyword or a built-in name. */
const unusableAliases = new Set(['on', 'or', 'in', 'of', 'if', 'for', 'via', 'per', 'abs', 'min', 'max', 'exp', 'ln', 'tick', 'lot', 'last', 'mid', 'bid', 'ask']);

interface Desk {
  alias: string;
  asset: string;
  symbol: string;
  venue: string;
  /** Market options for symbols the compiler has no metadata for. */
  options: string;
  /** A typical order size, in the base asset, so params look like a real book's. */
  size: number;
}

/** Format a number without floating-point noise (0.30000000000000004 → 0.3). */
function num(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Aligns the `in [lo, hi]` bounds of a params block. */
function pad(value: string): string {
  return value.padEnd(12);
}

function deskFor(i: number): Desk {
  if (i === 0) return { alias: 'btc', asset: 'BTC', symbol: 'BTC/USDT', venue: 'binance', options: '', size: 0.01 };
  if (i === 1) return { alias: 'eth', asset: 'ETH', symbol: 'ETH/USDT', venue: 'binance', options: '', size: 0.2 };
  const usable = assets.filter((a) => !unusableAliases.has(a.toLowerCase()));
  const base = usable[(i - 2) % usable.length] ?? 'ALT';
  const round = Math.floor((i - 2) / usable.length);
  const asset = round === 0 ? base : `${base}${round + 1}`;
  const size = num(10 ** ((i % 5) - 1) * (1 + (i % 3)));
  const tick = num(10 ** -((i % 4) + 2));
  const lot = num(10 ** -((i % 3) + 1));
  return { alias: asset.toLowerCase(), asset, symbol: `${asset}/USDT`, venue: 'binance', options: ` { tick = ${tick}  lot = ${lot} }`, size: Number(size) };
}

function deskLines(d: Desk, i: number): string[] {
  const a = d.alias;
  const u = d.asset;
  const half = 3 + (i % 6);
  const step = 2 + (i % 4);
  const levels = 2 + (i % 4);
  const vmult = num(2.5 + (i % 5) * 0.5);
  const halflife = 15 + (i % 4) * 15;
  const gamma = num(0.1 + (i % 7) * 0.05);
  const maxPos = num(d.size * (8 + (i % 5) * 2));
  const thin = num(d.size * (20 + (i % 4) * 5));
  return [
    `  # ---- desk ${i + 1}: ${d.symbol} on ${d.venue} ----`,
    `  market ${a} = ${d.venue}:"${d.symbol}"${d.options}`,
    '',
    '  params {',
    `    ${a}_half_spread  = ${pad(`${half} bps`)} in [1 bps, ${half * 8} bps]`,
    `    ${a}_skew         = ${pad(`${2 + (i % 5)} bps`)} in [0 bps, 30 bps]   # centre shift at the position limit`,
    `    ${a}_levels       = ${pad(String(levels))} in [1, 8]`,
    `    ${a}_level_step   = ${pad(`${step} bps`)} in [1 bps, 20 bps]`,
    `    ${a}_order_size   = ${pad(`${num(d.size)} ${u}`)} in [${num(d.size / 10)} ${u}, ${num(d.size * 5)} ${u}]`,
    `    ${a}_max_position = ${pad(`${maxPos} ${u}`)} in [${num(d.size)} ${u}, ${num(d.size * 100)} ${u}]`,
    `    ${a}_gamma        = ${pad(gamma)} in [0.01, 5]        # risk aversion`,
    `    ${a}_vol_mult     = ${pad(vmult)} in [1.5, 8]`,
    '  }',
    '',
    `  signal ${a}_vol      = ewm_stdev(returns(${a}.mid), halflife: ${halflife}s)`,
    `  signal ${a}_vol_base = baseline(${a}_vol, 1h)`,
    `  signal ${a}_imb      = ${a}.imbalance(3)`,
    `  signal ${a}_trend    = ewm_mean(returns(${a}.mid), halflife: ${halflife * 10}s)`,
    `  signal ${a}_depth    = ${a}.depth(${10 + (i % 3) * 5} bps)`,
    `  fair ${a} = ${i % 3 === 0 ? `${a}.microprice` : i % 3 === 1 ? `${a}.wmid(3)` : `(${a}.microprice + ${a}.mid) / 2`}`,
    '',
    `  scenario ${a}_high_vol when ${a}_vol > ${a}_vol_mult * ${a}_vol_base for 5s exit when ${a}_vol < 2 * ${a}_vol_base hold 60s {`,
    `    ${a}_half_spread = ${half * 3} bps`,
    `    ${a}_order_size  = ${num(d.size / 2)} ${u}`,
    `    ${a}_levels      = ${Math.max(1, levels - 1)}`,
    '  }',
    `  scenario ${a}_thin when ${a}_depth < ${thin} ${u} for 2s exit when ${a}_depth > ${num(Number(thin) * 2)} ${u} hold 30s {`,
    `    ${a}_levels = 1`,
    '  }',
    '',
    `  quote ${a} {`,
    `    inventory   = clamp(position / ${a}_max_position, -1, 1)`,
    `    reservation = fair * (1 - inventory * ${a}_skew - ${a}_gamma * ${a}_trend)`,
    `    half        = max(${a}_half_spread * fair, ${a}.spread / 2)`,
    `    lean        = ${a}_imb * ${a}_half_spread * fair / 2`,
    '    bid         = reservation - half + lean',
    '    ask         = reservation + half + lean',
    `    bid_size    = ${a}_order_size * (1 - inventory)`,
    `    ask_size    = ${a}_order_size * (1 + inventory)`,
    `    ladder ${a}_levels step ${a}_level_step`,
    `    refresh when moved > ${num(0.5 + (i % 3) * 0.5)} bps or every ${5 + (i % 3) * 5}s`,
    `    min_interval ${50 + (i % 4) * 50}ms`,
    `    smooth ema ${200 + (i % 3) * 100}ms`,
    '  }',
    '',
    '  risk {',
    `    position ${a} abs <= ${a}_max_position -> reduce_only`,
    `    orders ${a} <= ${20 + (i % 3) * 10} per 1s -> throttle`,
    `    price ${a} within ${60 + (i % 4) * 20} bps of ${a}.mid -> reject`,
    `    when ${a}.spread > ${40 + (i % 3) * 20} bps * ${a}.mid -> cancel_all`,
    '  }',
    '',
    `  adapt ${a}_skew toward ${num(1 + (i % 3) * 0.5)} * ${a}_vol within its bounds every ${30 + (i % 2) * 30}s rate 0.25`,
    '',
  ];
}

function hedgeLines(spot: string, perp: string, asset: string, size: number): string[] {
  return [
    `  # Lay off ${asset} inventory on the USD-M perpetual.`,
    `  market ${perp} = binanceusdm:"${asset}/USDT:USDT"`,
    `  params { ${spot}_hedge_at = ${num(size * 2)} ${asset} in [${num(size / 2)} ${asset}, ${num(size * 20)} ${asset}] }`,
    `  hedge ${spot} when abs(${spot}.position + ${perp}.position) > ${spot}_hedge_at {`,
    `    on ${perp}`,
    `    ratio beta(${spot}, ${perp}, 10m)`,
    `    target 0 ${asset}`,
    '    via taker',
    '    slippage 5 bps',
    '  }',
    `  risk { position ${perp} abs <= ${spot}_max_position -> reduce_only }`,
    '',
  ];
}

/** A small symmetric desk, used to fill the last lines up to the requested length. */
function compactDeskLines(d: Desk, i: number): string[] {
  const a = d.alias;
  const u = d.asset;
  return [
    `  # ---- desk ${i + 1}: ${d.symbol}, symmetric quotes ----`,
    `  market ${a} = ${d.venue}:"${d.symbol}"${d.options}`,
    '  params {',
    `    ${a}_half_spread  = ${pad(`${4 + (i % 5)} bps`)} in [1 bps, 50 bps]`,
    `    ${a}_order_size   = ${pad(`${num(d.size)} ${u}`)} in [${num(d.size / 10)} ${u}, ${num(d.size * 10)} ${u}]`,
    `    ${a}_max_position = ${pad(`${num(d.size * 20)} ${u}`)} in [${num(d.size)} ${u}, ${num(d.size * 200)} ${u}]`,
    '  }',
    `  quote ${a} {`,
    `    bid  = ${a}.mid - ${a}_half_spread * ${a}.mid`,
    `    ask  = ${a}.mid + ${a}_half_spread * ${a}.mid`,
    `    size = ${a}_order_size`,
    `    refresh when moved > 1 bps or every ${10 + (i % 3) * 5}s`,
    '  }',
    `  risk { position ${a} abs <= ${a}_max_position -> reduce_only }`,
    '',
  ];
}

/**
 * A strategy of at least `lines` lines: full desks while they fit, then small symmetric desks
 * up to the requested length (overshooting by at most one small desk). Always at least one desk.
 */
export function generateRuleset(lines: number): string {
  const out: string[] = [
    '# Generated by bench/generate-ruleset.ts: a multi-asset market-making book, one desk per market.',
    `strategy "generated-${lines}" version 1 {`,
    '  params {',
    '    book_budget = 250000 USDT in [10000 USDT, 1000000 USDT]',
    '  }',
    '',
  ];
  const desks: Desk[] = [];
  const footerFor = (quoted: Desk[]): string[] => {
    const exposure = quoted.slice(0, 8).map((d) => `${d.alias}.inventory_value`).join(' + ');
    return [
      '  # Book-wide limits.',
      `  signal book_exposure = clamp((${exposure}) / book_budget, -1, 1)`,
      '  scenario book_heavy when abs(book_exposure) > 0.8 for 10s exit when abs(book_exposure) < 0.5 hold 60s {',
      '    reduce_only',
      '  }',
      '  risk {',
      '    notional      <= book_budget   -> reject',
      '    loss daily    <= 25000 USDT    -> halt',
      '    drawdown      <= 15000 USDT    -> halt',
      '  }',
      '}',
    ];
  };
  const footerLength = footerFor([]).length;
  const hedges: Record<number, () => string[]> = {
    0: () => hedgeLines('btc', 'btc_perp', 'BTC', 0.01),
    1: () => hedgeLines('eth', 'eth_perp', 'ETH', 0.2),
  };
  let i = 0;
  for (; ; i++) {
    const d = deskFor(i);
    const desk = deskLines(d, i);
    const hedged = [...desk, ...(hedges[i]?.() ?? [])];
    const fits = (block: string[]): boolean => out.length + block.length + footerLength <= lines;
    // The first desk always goes in; its hedge only when there is room for it.
    if (desks.length > 0 && !fits(hedged)) break;
    desks.push(d);
    out.push(...(fits(hedged) ? hedged : desk));
  }
  for (; out.length + footerLength < lines; i++) {
    const d = deskFor(i);
    desks.push(d);
    out.push(...compactDeskLines(d, i));
  }
  out.push(...footerFor(desks));
  return `${out.join('\n')}\n`;
}
