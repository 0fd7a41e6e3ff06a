// The backtest report as one self-contained HTML file: works offline (uPlot, a small well-kept
// chart library, is inlined), charts PnL and its parts, inventory, our quotes against the mid,
// drawdown, fill markouts and the scenario timeline, and lists the trades.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { attributionOverTime } from './attribution.js';
import type { BacktestResult } from './backtest.js';
import type { FullReport } from './summary.js';
import { computeMarkouts } from './metrics-markouts.js';
import { drawdownSeries } from './metrics.js';

const require = createRequire(import.meta.url);

function asset(path: string): string {
  return readFileSync(require.resolve(path), 'utf8');
}

/** Escapes text for HTML; JSON placed in a script tag also escapes `<` so nothing can close the tag. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
function json(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c');
}

export interface ReportContext {
  result: BacktestResult;
  report: FullReport;
  dayEpochMs: number;
  source: string;
  dataLabel: string;
  /** Most trades listed in the table. */
  maxTrades?: number;
}

export function renderReport(ctx: ReportContext): string {
  const { result, report, dayEpochMs } = ctx;
  const { summary } = report;
  const marks = result.marks;
  const secs = (tNs: number): number => dayEpochMs / 1000 + tNs / 1e9;
  const x = marks.map((m) => secs(m.tNs));
  const attribution = attributionOverTime({ fills: result.fills, marks });
  const drawdown = drawdownSeries(marks.map((m) => m.pnl));
  const scenarios = [...new Set(['normal', ...result.plan.scenarios.map((s) => s.name)])];
  const markouts = computeMarkouts(result.fills, marks);
  const horizons = markouts.horizonsNs;
  const perFill10s = horizons.indexOf(10e9);
  const aliases = result.plan.markets.map((m) => m.alias);
  const trades = result.fills.slice(0, ctx.maxTrades ?? 2000).map((f, i) => ({
    t: new Date(dayEpochMs + f.tNs / 1e6).toISOString().slice(11, 23),
    market: f.marketAlias,
    side: f.side === 0 ? 'buy' : 'sell',
    price: tidy(f.price),
    qty: tidy(f.qty),
    fee: f.fee,
    liq: f.liquidity,
    level: f.level,
    scenario: f.scenario,
    mid: tidy(f.mid),
    m10: perFill10s >= 0 ? finite(markouts.bps[perFill10s]?.[i]) : null,
  }));

  const data = {
    x,
    pnl: { total: attribution.map((a) => a.total), spread: attribution.map((a) => a.spreadCapture), inventory: attribution.map((a) => a.inventory), fees: attribution.map((a) => a.fees), hedge: attribution.map((a) => a.hedging) },
    positions: aliases.map((_, m) => marks.map((s) => s.positions[m] ?? null)),
    mids: aliases.map((_, m) => marks.map((s) => finite(s.mids[m]))),
    bids: aliases.map((_, m) => marks.map((s) => finite(s.quoteBid[m]))),
    asks: aliases.map((_, m) => marks.map((s) => finite(s.quoteAsk[m]))),
    drawdown,
    scenario: marks.map((s) => scenarios.indexOf(s.scenario)),
    scenarios,
    aliases,
    markouts: { horizons: horizons.map((h) => h / 1e9), quoting: report.metrics.markouts.quoting.map((m) => m.meanBps), hedge: report.metrics.markouts.hedge.map((m) => m.meanBps) },
    trades,
  };

  const rows: Array<[string, string]> = [
    ['events', summary.events.toLocaleString('en-US')],
    ['orders placed / amended / cancelled / filled', `${summary.orders.placed} / ${summary.orders.amended} / ${summary.orders.cancelled} / ${summary.orders.filled}`],
    ['fills', String(summary.fills)],
    ['PnL total', fmt(summary.pnl.total)],
    ['— spread capture', fmt(summary.pnl.spreadCapture)],
    ['— inventory', fmt(summary.pnl.inventory)],
    ['— fees and rebates', fmt(summary.pnl.fees)],
    ['— hedging', fmt(summary.pnl.hedge)],
    ['Sharpe / Sortino (annualised)', `${fmt(summary.sharpe)} / ${fmt(summary.sortino)}`],
    ['max drawdown / Calmar', `${fmt(summary.maxDrawdown)} / ${fmt(summary.calmar)}`],
    ['markouts 1 s / 10 s / 60 s (bps)', `${fmt(summary.markouts['1s'])} / ${fmt(summary.markouts['10s'])} / ${fmt(summary.markouts['60s'])}`],
    ['fill ratio (orders)', fmt(summary.fillRatio)],
    ['max |position|', Object.entries(summary.maxAbsPosition).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')],
    ['limits hit', Object.entries(summary.limitsHit.byRule).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'],
    ['risk state changes', String(summary.limitsHit.stateChanges.length)],
    ['quote uptime (both sides)', Object.entries(summary.quoteUptime).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')],
    ['latency / fees / queue / seed', `${summary.settings.latency} / ${summary.settings.fees} / ${summary.settings.queue} / ${summary.settings.seed}`],
  ];

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Backtest: ${esc(summary.strategy.name)} v${summary.strategy.version}</title>
<style>${asset('uplot/dist/uPlot.min.css')}
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#666;margin-bottom:16px}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}.chart{margin-bottom:8px}.warn{color:#a60}
#trades{font-size:12px;max-height:480px;overflow:auto;display:block}
</style></head><body>
<h1>${esc(summary.strategy.name)} v${summary.strategy.version}</h1>
<div class="meta">times in UTC · plan ${esc(summary.strategy.planHash)} · ${esc(ctx.source)} · data ${esc(ctx.dataLabel)}<br>${esc(summary.window.from)} → ${esc(summary.window.to)}</div>
<h2>Summary</h2>
<table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
${summary.warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('')}
<h2>PnL and its parts</h2><div id="pnl" class="chart"></div>
<h2>Drawdown</h2><div id="dd" class="chart"></div>
<h2>Inventory</h2><div id="inv" class="chart"></div>
<h2>Our quotes against the mid</h2><div id="quotes" class="chart"></div>
<h2>Fill markouts (mean, bps)</h2><div id="markouts" class="chart"></div>
<h2>Scenario</h2><div id="scen" class="chart"></div>
<h2>Trades${result.fills.length > trades.length ? ` (first ${trades.length} of ${result.fills.length})` : ''}</h2>
<table id="trades"><thead><tr><th>time</th><th>market</th><th>side</th><th>price</th><th>qty</th><th>fee</th><th>liquidity</th><th>level</th><th>scenario</th><th>mid</th><th>markout 10 s (bps)</th></tr></thead><tbody></tbody></table>
<script>${asset('uplot/dist/uPlot.iife.min.js')}</script>
<script id="data" type="application/json">${json(data)}</script>
<script>
const D = JSON.parse(document.getElementById('data').textContent);
const W = Math.min(1150, window.innerWidth - 48);
const colors = ['#1f77b4','#2ca02c','#ff7f0e','#d62728','#9467bd','#8c564b'];
function chart(id, series, values, opts = {}) {
  new uPlot({ width: W, height: opts.height || 260, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    scales: { x: { time: opts.time !== false }, ...(opts.yRange ? { y: { range: opts.yRange } } : {}) },
    series: [{}, ...series.map((s, i) => ({ label: s, stroke: colors[i % colors.length], width: 1.5, ...(opts.paths ? { paths: opts.paths } : {}), ...(opts.points ? { points: { show: true, size: 7 } } : {}) }))],
    axes: opts.axes }, [opts.x || D.x, ...values], document.getElementById(id));
}
chart('pnl', ['total', 'spread capture', 'inventory', 'fees', 'hedging'], [D.pnl.total, D.pnl.spread, D.pnl.inventory, D.pnl.fees, D.pnl.hedge]);
chart('dd', ['drawdown'], [D.drawdown], { height: 180 });
chart('inv', D.aliases.map((a) => 'position ' + a), D.positions);
chart('quotes', ['mid', 'our bid', 'our ask'], [D.mids[0], D.bids[0], D.asks[0]]);
chart('markouts', ['quoting fills', 'hedge fills'], [D.markouts.quoting, D.markouts.hedge], { time: false, x: D.markouts.horizons, points: true, height: 200 });
chart('scen', ['scenario (' + D.scenarios.map((n, i) => i + ' = ' + n).join(', ') + ')'], [D.scenario], { height: 140, paths: uPlot.paths.stepped({ align: 1 }), yRange: [-0.5, D.scenarios.length - 0.5] });
const tb = document.querySelector('#trades tbody');
tb.innerHTML = D.trades.map((t) => '<tr>' + [t.t, t.market, t.side, t.price, t.qty, t.fee.toFixed(4), t.liq, t.level, t.scenario, t.mid, t.m10 === null ? '' : t.m10.toFixed(2)].map((v) => '<td>' + String(v).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]) + '</td>').join('') + '</tr>').join('');
</script></body></html>
`;
}

/** Removes float noise from prices and sizes for display (61731.840000000004 → 61731.84). */
function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 0.001 || a >= 1e7) ? x.toExponential(3) : String(Math.round(x * 10000) / 10000);
}
