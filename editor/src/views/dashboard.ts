// The live dashboard (T1): one instance, updated from the server's event stream — quotes against
// the book, position, PnL and its parts, risk state and limit usage, the scenario, recent fills,
// and how the current quotes were made (click a quote, see its explanation, jump to the DSL line).
// Deploy, rollback and the kill switch are offered to the roles allowed to use them.
import type { Deployment, Instance, Version, VersionSummary } from '../../../schemas/generated/api.js';
import type { Plan, Range } from '../../../schemas/generated/plan.js';
import type { PaperSnapshot, PaperMarketState, WorkingQuote } from '../../../runtime/paper/snapshot.js';
import { api, stream } from '../api.js';
import { lineChart, RollingColumns, type Chart } from '../charts.js';
import { clear, fmt, h, notice, pct } from '../dom.js';
import { QUOIN_LANGUAGE_ID } from '../language/index.js';
import { monaco } from '../monaco.js';
import type { Session } from '../session.js';

type Live = PaperSnapshot;
type Explained = NonNullable<PaperMarketState['explain']>;

/** Limits the plan states as numbers the dashboard can set usage against. */
export function limitUsage(plan: Plan, live: Live): Array<{ rule: string; label: string; used: number; limit: number }> {
  const value = (ref: number | undefined, worst: number | undefined): number | undefined => {
    const node = ref === undefined ? undefined : plan.nodes[ref];
    if (node?.op === 'const' && typeof node.value === 'number') return node.value;
    if (node?.op === 'param') return live.params[node.param] ?? worst;
    return worst;
  };
  const out: Array<{ rule: string; label: string; used: number; limit: number }> = [];
  for (const r of plan.risk) {
    const limit = value(r.limit, r.worstCase);
    if (limit === undefined || !(limit > 0)) continue;
    const markets = live.markets.filter((m) => !r.market || m.alias === r.market);
    if (r.kind === 'position') {
      const used = Math.max(0, ...markets.map((m) => Math.abs(m.position)));
      out.push({ rule: r.id, label: `position ${r.market ?? r.asset ?? 'all'}`, used, limit });
    } else if (r.kind === 'notional') {
      const used = markets.reduce((s, m) => s + Math.abs(m.position) * (m.mid ?? 0), 0);
      out.push({ rule: r.id, label: `notional ${r.market ?? 'all'}`, used, limit });
    } else if (r.kind === 'loss') {
      const pnl = r.period === 'daily' ? live.pnl.daily : live.pnl.total;
      out.push({ rule: r.id, label: `${r.period ?? 'daily'} loss`, used: Math.max(0, -(pnl ?? 0)), limit });
    }
  }
  return out;
}

export async function dashboardView(root: HTMLElement, session: Session, wantedId?: string): Promise<() => void> {
  const instances = await api<Instance[]>('GET', '/api/instances');
  const select = h('select', { 'data-testid': 'instance-select', onchange: () => (location.hash = `#/dashboard/${select.value}`) }, instances.map((i) => h('option', { value: i.id }, `${i.name} (${i.id})`)));
  const id = wantedId && instances.some((i) => i.id === wantedId) ? wantedId : instances[0]?.id;
  if (!id) {
    clear(root, h('div', { class: 'notice' }, 'No instances yet.'));
    return () => undefined;
  }
  select.value = id;

  const header = h('div', { class: 'live-head', 'data-testid': 'live-head' });
  const connection = h('span', { class: 'conn', 'data-testid': 'connection' }, 'connecting…');
  const controls = h('div', { class: 'toolbar', 'data-testid': 'controls' });
  const message = h('div', { class: 'notice' });
  const marketsBox = h('div', { class: 'markets', 'data-testid': 'markets' });
  const riskBox = h('div', { class: 'risk', 'data-testid': 'risk' });
  const fillsBox = h('div', { class: 'fills', 'data-testid': 'fills' });
  const explainBox = h('div', { class: 'explain', 'data-testid': 'explain' }, h('div', { class: 'muted' }, 'Click a quote to see how it was made.'));
  const sourceHost = h('div', { class: 'monaco small', 'data-testid': 'source' });
  const chartsBox = h('div', { class: 'charts' });

  clear(
    root,
    h(
      'div',
      { class: 'dashboard' },
      h('div', { class: 'toolbar' }, 'Instance ', select, connection, h('span', { class: 'spacer' }), controls),
      message,
      header,
      h('div', { class: 'cols' }, h('div', {}, marketsBox, chartsBox), h('div', {}, riskBox, explainBox, h('h3', {}, 'Deployed source'), sourceHost)),
      fillsBox,
    ),
  );

  const sourceModel = monaco.editor.createModel('', QUOIN_LANGUAGE_ID);
  const sourceEditor = monaco.editor.create(sourceHost, { model: sourceModel, readOnly: true, automaticLayout: true, minimap: { enabled: false }, fontSize: 12, scrollBeyondLastLine: false, lineNumbers: 'on' });
  const highlight = sourceEditor.createDecorationsCollection();

  let plan: Plan | null = null;
  let planHash = '';
  let live: Live | null = null;
  let instance: Instance | null = null;
  let selectedQuote: { alias: string } | null = null;
  const columns = { book: new RollingColumns(5), pnl: new RollingColumns(4), pos: new RollingColumns(1) };
  let charts: { book: Chart; pnl: Chart; pos: Chart } | null = null;

  async function loadDeployed(): Promise<void> {
    instance = await api<Instance>('GET', `/api/instances/${encodeURIComponent(id!)}`);
    if (instance.currentDeploymentId === null) return;
    const deployments = await api<Deployment[]>('GET', `/api/instances/${encodeURIComponent(id!)}/deployments`);
    const current = deployments.find((d) => d.id === instance!.currentDeploymentId);
    if (!current) return;
    const version = await api<Version>('GET', `/api/versions/${current.versionId}`);
    plan = await api<Plan>('GET', `/api/versions/${current.versionId}/plan`);
    sourceModel.setValue(version.source);
    clear(controls);
    renderControls(version, deployments);
  }

  async function renderControls(version: Version, deployments: Deployment[]): Promise<void> {
    const items: HTMLElement[] = [h('span', { class: 'muted', 'data-testid': 'deployed-version' }, `deployed ${version.ruleSetId} v${version.number}`)];
    if (session.can('operate')) {
      const approved = await api<VersionSummary[]>('GET', '/api/versions?status=approved');
      const pick = h('select', { 'data-testid': 'deploy-select' }, approved.map((v) => h('option', { value: v.id }, `${v.ruleSetId} v${v.number}`)));
      items.push(
        pick,
        h('button', { disabled: approved.length === 0, 'data-testid': 'deploy', onclick: () => void act(() => api('POST', `/api/instances/${id}/deploy`, { versionId: Number(pick.value) }), 'Deployed.') }, 'Deploy'),
        h('button', { disabled: !deployments.some((d) => d.id === instance?.currentDeploymentId && d.previousId !== null), 'data-testid': 'rollback', onclick: () => void act(() => api('POST', `/api/instances/${id}/rollback`), 'Rolled back.') }, 'Rollback'),
        instance?.status === 'killed'
          ? h('button', { 'data-testid': 'resume', onclick: () => void withReason('Resume: why?', (reason) => api('POST', `/api/instances/${id}/resume`, { reason }), 'Resumed.') }, 'Resume')
          : h('button', { class: 'danger', 'data-testid': 'kill', onclick: () => void withReason('Kill switch: why?', (reason) => api('POST', `/api/instances/${id}/kill`, { reason }), 'Killed: orders cancelled, quoting halted.') }, 'Kill switch'),
      );
    }
    clear(controls, items);
  }

  async function withReason(question: string, call: (reason: string) => Promise<unknown>, done: string): Promise<void> {
    const reason = prompt(question, 'operator action');
    if (!reason) return;
    await act(() => call(reason), done);
  }

  async function act(call: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await call();
      notice(message, done, 'ok');
      await loadDeployed();
    } catch (err) {
      notice(message, (err as Error).message, 'error');
    }
  }

  function ensureCharts(alias: string): void {
    if (charts) return;
    const box = (): HTMLElement => chartsBox.appendChild(h('div', { class: 'chart' }));
    charts = {
      book: lineChart(box(), `Book and our quotes (${alias})`, [{ label: 'best bid', color: '#9ecae1' }, { label: 'best ask', color: '#fdae6b' }, { label: 'mid', color: '#444', dash: [4, 4] }, { label: 'our bid', color: '#2ca02c', width: 2 }, { label: 'our ask', color: '#d62728', width: 2 }], columns.book.columns),
      pnl: lineChart(box(), 'PnL', [{ label: 'total', width: 2 }, { label: 'realized' }, { label: 'unrealized' }, { label: 'fees' }], columns.pnl.columns, 160),
      pos: lineChart(box(), `Position (${alias})`, [{ label: 'position' }], columns.pos.columns, 120),
    };
  }

  function onState(state: unknown): void {
    const inst = state as (Instance & { live?: Live | null }) | Live | null;
    const next = inst && 'markets' in inst ? (inst as Live) : ((inst as { live?: Live | null } | null)?.live ?? null);
    if (!next) {
      clear(header, h('span', { class: 'badge s-stopped', 'data-testid': 'status' }, instance?.status ?? 'stopped'), ' nothing runs on this instance');
      return;
    }
    live = next;
    if (live.planHash !== planHash) {
      planHash = live.planHash;
      void loadDeployed();
    }
    render();
  }

  function render(): void {
    if (!live) return;
    const s = live;
    const killed = instance?.status === 'killed' || s.risk.state === 'halted';
    clear(
      header,
      h('span', { class: `badge s-${killed ? 'killed' : s.status}`, 'data-testid': 'status' }, instance?.status === 'killed' ? 'killed' : s.status),
      h('span', { class: `badge r-${s.risk.state}`, 'data-testid': 'risk-state' }, `risk ${s.risk.state}`),
      h('span', { class: 'badge', 'data-testid': 'scenario' }, `scenario ${s.scenario}`),
      h('span', {}, ` ${s.strategy.name} v${s.strategy.version} · plan ${s.planHash.slice(0, 15)}… · ${s.market.kind} ${s.market.source} · `),
      h('span', { 'data-testid': 'event-time' }, s.eventTime.slice(11, 23)),
      h('span', { 'data-testid': 'events' }, ` · ${s.eventsProcessed.toLocaleString('en-US')} events`),
      h('span', { 'data-testid': 'pnl' }, ` · PnL ${fmt(s.pnl.total)} (realized ${fmt(s.pnl.realized)}, unrealized ${fmt(s.pnl.unrealized)}, fees ${fmt(s.pnl.fees)}) · volume ${fmt(s.pnl.volume)}`),
    );
    const quoteRow = (m: PaperMarketState, side: 'bid' | 'ask', q: WorkingQuote): HTMLElement =>
      h('tr', { class: `q ${side}`, 'data-testid': `quote-${side}`, onclick: () => ((selectedQuote = { alias: m.alias }), renderExplain()) }, h('td', {}, side), h('td', {}, fmt(q.price, 10)), h('td', {}, fmt(q.qty)), h('td', {}, String(q.level)));
    clear(
      marketsBox,
      s.markets.map((m) =>
        h(
          'div',
          { class: 'market', 'data-market': m.alias },
          h('h3', {}, `${m.alias} · ${m.key}`),
          h('div', {}, `book ${fmt(m.bestBid, 10)} / ${fmt(m.bestAsk, 10)} · mid ${fmt(m.mid, 10)} · position `, h('b', { 'data-testid': 'position' }, fmt(m.position)), ` @ ${fmt(m.avgPrice, 10)}`),
          h(
            'table',
            { class: 'grid quotes', 'data-testid': 'working' },
            h('thead', {}, h('tr', {}, h('th', {}, 'side'), h('th', {}, 'price'), h('th', {}, 'qty'), h('th', {}, 'level'))),
            h('tbody', {}, [...m.working.asks].reverse().map((q) => quoteRow(m, 'ask', q)), m.working.bids.map((q) => quoteRow(m, 'bid', q))),
          ),
          m.working.bids.length + m.working.asks.length === 0 ? h('div', { class: 'muted', 'data-testid': 'no-quotes' }, 'no working quotes') : '',
        ),
      ),
    );
    const m0 = s.markets[0];
    if (m0) {
      const t = Date.parse(s.eventTime) / 1000;
      columns.book.push(t, [m0.bestBid, m0.bestAsk, m0.mid, m0.working.bids[0]?.price ?? null, m0.working.asks[0]?.price ?? null]);
      columns.pnl.push(t, [s.pnl.total, s.pnl.realized, s.pnl.unrealized, -s.pnl.fees]);
      columns.pos.push(t, [m0.position]);
      ensureCharts(m0.alias);
      charts!.book.setData(columns.book.columns);
      charts!.pnl.setData(columns.pnl.columns);
      charts!.pos.setData(columns.pos.columns);
    }
    const usage = plan ? limitUsage(plan, s) : [];
    clear(
      riskBox,
      h('h3', {}, 'Risk'),
      h('div', {}, 'state ', h('b', { class: `r-${s.risk.state}` }, s.risk.state)),
      usage.map((u) => h('div', { class: 'usage' }, h('span', {}, `${u.label} `), h('meter', { min: 0, max: 1, low: 0.7, high: 0.9, optimum: 0, value: Math.min(1, u.used / u.limit) }), ` ${fmt(u.used)} / ${fmt(u.limit)} (${pct(u.used / u.limit)})`)),
      h('div', { class: 'muted' }, `hits: ${Object.entries(s.risk.hits).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} · orders placed ${s.counts.placed}, cancelled ${s.counts.cancelled}, rejected ${s.counts.rejected}, throttled ${s.counts.throttled}`),
      h('ul', { class: 'list compact' }, s.risk.transitions.slice(-5).map((t) => h('li', {}, `${t.from} → ${t.to}: ${t.reason}`))),
    );
    clear(
      fillsBox,
      h('h3', {}, `Recent fills (${s.counts.fills} in all)`),
      h(
        'table',
        { class: 'grid' },
        h('thead', {}, h('tr', {}, ...['time', 'market', 'side', 'price', 'qty', 'fee', 'liquidity', 'scenario', 'position after'].map((x) => h('th', {}, x)))),
        h('tbody', {}, [...s.lastFills].reverse().slice(0, 20).map((f) => h('tr', { class: f.side }, h('td', {}, f.time.slice(11, 23)), h('td', {}, f.alias), h('td', {}, f.side), h('td', {}, fmt(f.price, 10)), h('td', {}, fmt(f.qty)), h('td', {}, fmt(f.fee)), h('td', {}, f.liquidity), h('td', {}, f.scenario), h('td', {}, fmt(f.positionAfter))))),
      ),
    );
    if (selectedQuote) renderExplain();
  }

  function jump(range: Range | null | undefined): HTMLElement | string {
    if (!range) return '';
    const [line, col, endLine, endCol] = range;
    return h(
      'a',
      {
        href: '#',
        class: 'jump',
        'data-line': line,
        onclick: (e: Event) => {
          e.preventDefault();
          sourceEditor.revealLineInCenter(line);
          sourceEditor.setSelection(new monaco.Selection(line, col, endLine, endCol + 1));
          highlight.set([{ range: new monaco.Range(line, 1, endLine, 1), options: { isWholeLine: true, className: 'jump-line' } }]);
        },
      },
      `line ${line}`,
    );
  }

  function renderExplain(): void {
    const m = live?.markets.find((x) => x.alias === selectedQuote?.alias);
    const x: Explained | null | undefined = m?.explain;
    if (!x) return clear(explainBox, h('div', { class: 'muted' }, 'No quote update yet on this market.'));
    const value = (v: { name: string; value: number | null; unit: string; range?: Range | null } | undefined | null): HTMLElement | string =>
      v ? h('tr', {}, h('td', {}, v.name), h('td', {}, fmt(v.value, 10)), h('td', {}, v.unit), h('td', {}, jump(v.range))) : '';
    clear(
      explainBox,
      h('h3', {}, `How the ${x.market} quotes were made`),
      h('div', { class: 'muted' }, `scenario ${x.scenario} · risk ${x.riskState} · position ${fmt(x.position)}`),
      h('table', { class: 'grid' }, h('tbody', {}, value(x.fair as never), x.parts.map((p) => value(p as never)), value(x.raw.bid as never), value(x.raw.ask as never), value(x.raw.bidSize as never), value(x.raw.askSize as never))),
      h('div', {}, `desired bids ${x.desired.bids.map(([p, q]) => `${fmt(q)}@${fmt(p, 10)}`).join(', ') || '—'} · asks ${x.desired.asks.map(([p, q]) => `${fmt(q)}@${fmt(p, 10)}`).join(', ') || '—'}`),
      x.limits.length ? h('ul', { class: 'problems' }, x.limits.map((l) => h('li', { class: 'warning' }, `${l.rule} (${l.side}): ${l.reason} `, jump(l.range as Range | null)))) : h('div', { class: 'muted' }, 'No limit changed these quotes.'),
    );
  }

  await loadDeployed();
  const stop = stream(`/api/instances/${encodeURIComponent(id)}/stream`, onState, (ok) => {
    connection.textContent = ok ? '● live' : '○ reconnecting…';
    connection.className = `conn ${ok ? 'ok' : 'bad'}`;
  });
  return () => {
    stop();
    charts?.book.destroy();
    charts?.pnl.destroy();
    charts?.pos.destroy();
    sourceEditor.dispose();
    sourceModel.dispose();
  };
}
