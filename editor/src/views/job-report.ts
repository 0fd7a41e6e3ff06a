// A finished job shown inline: the backtest summary with its charts (PnL and its parts, drawdown,
// inventory, our quotes against the mid), or the stress table. Shared by the author's and the risk
// manager's views, so both read the same evidence the same way.
import type { Job } from '../../../schemas/generated/api.js';
import type { JobCharts } from '../../../api/jobs/job-charts.js';
import type { BacktestSummary } from '../../../runtime/backtest/summary.js';
import type { StressReport } from '../../../runtime/backtest/stress-run.js';
import { lineChart } from '../charts.js';
import { fmt, h, pct } from '../dom.js';

type BacktestResult = BacktestSummary & { charts?: JobCharts };

export function jobView(job: Job): HTMLElement {
  const head = h('div', { class: 'job-head' }, h('b', {}, job.kind === 'backtest' ? 'Backtest' : 'Stress tests'), ` ${job.id} · ${job.status}`, job.status === 'running' || job.status === 'queued' ? ` · ${Math.round(job.progress * 100)}%` : '');
  const box = h('div', { class: 'job', 'data-testid': `job-${job.kind}` }, head);
  if (job.status === 'running' || job.status === 'queued') box.append(h('progress', { max: 1, value: job.progress }));
  if (job.status === 'failed') box.append(h('div', { class: 'notice error' }, job.error ?? 'failed'));
  if (job.status === 'done' && job.result) box.append(job.kind === 'backtest' ? backtestView(job.result as unknown as BacktestResult) : stressView(job.result as unknown as StressReport));
  return box;
}

function row(label: string, value: string): HTMLTableRowElement {
  return h('tr', {}, h('td', {}, label), h('td', {}, value));
}

export function backtestView(r: BacktestResult): HTMLElement {
  const table = h(
    'table',
    { class: 'kv' },
    row('window (UTC)', `${r.window.from.slice(0, 19)} → ${r.window.to.slice(0, 19)}`),
    row('events', r.events.toLocaleString('en-US')),
    row('orders placed / cancelled / filled', `${r.orders.placed} / ${r.orders.cancelled} / ${r.orders.filled}`),
    row('fills', String(r.fills)),
    row('PnL total', fmt(r.pnl.total)),
    row('— spread capture', fmt(r.pnl.spreadCapture)),
    row('— inventory', fmt(r.pnl.inventory)),
    row('— fees', fmt(r.pnl.fees)),
    row('— hedge', fmt(r.pnl.hedge)),
    row('Sharpe / Sortino', `${fmt(r.sharpe, 3)} / ${fmt(r.sortino, 3)}`),
    row('max drawdown / Calmar', `${fmt(r.maxDrawdown)} / ${fmt(r.calmar, 3)}`),
    row('markouts 1s / 10s / 60s (bps)', `${fmt(r.markouts['1s'], 3)} / ${fmt(r.markouts['10s'], 3)} / ${fmt(r.markouts['60s'], 3)}`),
    row('fill ratio', pct(r.fillRatio)),
    row('max |position|', Object.entries(r.maxAbsPosition).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')),
    row('limits hit', Object.entries(r.limitsHit.byRule).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'),
    row('settings', `latency ${r.settings.latency} · fees ${r.settings.fees} · queue ${r.settings.queue} · seed ${r.settings.seed}`),
  );
  const out = h('div', { class: 'backtest' }, table, ...r.warnings.map((w) => h('div', { class: 'notice warn' }, w)));
  const c = r.charts;
  if (c && c.t.length > 1) {
    const charts = h('div', { class: 'charts' });
    out.append(charts);
    // Charts size to their box, so they are drawn once the box is in the document.
    requestAnimationFrame(() => {
      const box = (): HTMLElement => charts.appendChild(h('div', { class: 'chart' }));
      lineChart(box(), 'PnL and its parts', [{ label: 'total', width: 2 }, { label: 'spread capture' }, { label: 'inventory' }, { label: 'fees' }, { label: 'hedge' }], [c.t, c.pnl.total, c.pnl.spreadCapture, c.pnl.inventory, c.pnl.fees, c.pnl.hedge]);
      lineChart(box(), 'Drawdown', [{ label: 'drawdown', color: '#d62728' }], [c.t, c.drawdown], 140);
      for (const m of c.markets) {
        lineChart(box(), `Inventory ${m.alias}`, [{ label: 'position' }], [c.t, m.position], 140);
        lineChart(box(), `Quotes against the mid ${m.alias}`, [{ label: 'mid', color: '#444' }, { label: 'our bid', color: '#2ca02c' }, { label: 'our ask', color: '#d62728' }], [c.t, m.mid, m.bid, m.ask]);
      }
    });
  }
  return out;
}

export function stressView(r: StressReport): HTMLElement {
  return h(
    'div',
    { class: 'stress' },
    r.breached ? h('div', { class: 'notice error' }, 'A hard limit was broken in at least one scenario.') : h('div', { class: 'notice ok' }, 'No hard limit broken.'),
    h(
      'table',
      { class: 'grid' },
      h('thead', {}, h('tr', {}, ...['scenario', 'PnL', 'max drawdown', 'peak |position|', 'limits hit', 'halted', 'breached', 'time to flat (s)'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...r.rows.map((x) =>
          h(
            'tr',
            { class: x.breached.length ? 'bad' : '', title: x.description },
            h('td', {}, x.scenario),
            h('td', {}, fmt(x.pnl)),
            h('td', {}, fmt(x.maxDrawdown)),
            h('td', {}, Object.entries(x.peakPosition).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')),
            h('td', {}, String(x.limitsHit)),
            h('td', {}, x.halted ? 'yes' : 'no'),
            h('td', {}, x.breached.join('; ') || '—'),
            h('td', {}, fmt(x.timeToFlatSec, 4)),
          ),
        ),
      ),
    ),
  );
}

/** Polls a job until it finishes, calling back on every change (progress bars move). */
export async function followJob(get: () => Promise<Job>, onUpdate: (job: Job) => void, intervalMs = 300): Promise<Job> {
  for (;;) {
    const job = await get();
    onUpdate(job);
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
