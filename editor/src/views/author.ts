// The author's workbench: rule sets and the template gallery, the Monaco editor with live
// diagnostics, the parameter panel, version history with diffs, backtest and stress runs with their
// reports inline, and submission for approval.
import type { BacktestBody, Job, RuleSet, RuleSetDetail, Template, Version, VersionSummary } from '../../../schemas/generated/api.js';
import type { Plan } from '../../../schemas/generated/plan.js';
import type { Diagnostic } from '../../../schemas/generated/diagnostic.js';
import { api, ApiFailure } from '../api.js';
import { clear, fmt, h, notice } from '../dom.js';
import { attachDiagnostics, QUOIN_LANGUAGE_ID } from '../language/index.js';
import { monaco } from '../monaco.js';
import type { Session } from '../session.js';
import { followJob, jobView } from './job-report.js';
import { showDiff } from './diff.js';

const statusLabel: Record<string, string> = { draft: 'draft', tested: 'tested', pending_approval: 'pending approval', approved: 'approved', rejected: 'rejected', deployed: 'deployed', retired: 'retired' };

/** A canonical plan value (bps as a fraction, durations in seconds) the way authors write it. */
export function inUnit(x: number, type: Plan['params'][number]['type']): string {
  switch (type.kind) {
    case 'bps':
      return `${fmt(x * 1e4)} bps`;
    case 'duration':
      return x >= 3600 && x % 3600 === 0 ? `${x / 3600}h` : x >= 60 && x % 60 === 0 ? `${x / 60}m` : x >= 1 ? `${fmt(x)}s` : `${fmt(x * 1000)}ms`;
    case 'qty':
    case 'notional':
    case 'price':
      return type.asset ? `${fmt(x)} ${type.asset}` : fmt(x);
    default:
      return fmt(x);
  }
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge s-${status}` }, statusLabel[status] ?? status);
}

export async function authorView(root: HTMLElement, session: Session): Promise<() => void> {
  const ruleSetList = h('ul', { class: 'list', 'data-testid': 'rulesets' });
  const gallery = h('div', { class: 'gallery', 'data-testid': 'gallery' });
  const title = h('div', { class: 'title' }, 'New rule set');
  const status = h('span', {});
  const editorHost = h('div', { class: 'monaco', 'data-testid': 'editor' });
  const problems = h('ul', { class: 'problems', 'data-testid': 'problems' });
  const compileInfo = h('span', { class: 'muted', 'data-testid': 'compile-info' });
  const paramsPanel = h('div', { class: 'params', 'data-testid': 'params' });
  const versionsPanel = h('div', { class: 'versions', 'data-testid': 'versions' });
  const jobsPanel = h('div', { class: 'jobs', 'data-testid': 'jobs' });
  const message = h('div', { class: 'notice' });
  const dataInput = h('input', { placeholder: 'default data', title: 'data files under the server data directory, comma separated', size: 28, 'data-testid': 'bt-data' });
  const fromInput = h('input', { value: '0s', size: 6, 'data-testid': 'bt-from' });
  const toInput = h('input', { value: '30m', size: 6, 'data-testid': 'bt-to' });

  let ruleSet: RuleSet | null = null;
  let versions: VersionSummary[] = [];
  let version: Version | null = null;
  let lastPlan: Plan | null = null;
  let lastDiagnostics: Diagnostic[] = [];

  const model = monaco.editor.createModel('', QUOIN_LANGUAGE_ID, monaco.Uri.parse('file:///untitled.quoin'));
  const editor = monaco.editor.create(editorHost, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, tabSize: 2 });
  // A short debounce: the compile runs in a worker (a few ms for 100 lines), so markers land well
  // within 100 ms of the last keystroke without stalling typing.
  const diagnostics = attachDiagnostics(monaco, editor, {
    delayMs: 40,
    onResult: ({ diagnostics: ds, plan, elapsedMs }) => {
      lastDiagnostics = ds;
      lastPlan = plan;
      compileInfo.textContent = `${ds.filter((d) => d.severity === 'error').length} errors · compiled in ${elapsedMs.toFixed(1)} ms${plan ? ` · ${plan.hash.slice(0, 19)}…` : ''}`;
      renderProblems();
      renderParams();
    },
  });

  function renderProblems(): void {
    clear(
      problems,
      lastDiagnostics.map((d) =>
        h(
          'li',
          { class: d.severity, onclick: () => reveal(d.range.start.line, d.range.start.col) },
          `${d.range.start.line}:${d.range.start.col} ${d.code} ${d.message}`,
        ),
      ),
    );
  }

  function reveal(line: number, column: number): void {
    editor.revealLineInCenter(line);
    editor.setPosition({ lineNumber: line, column });
    editor.focus();
  }

  function renderParams(): void {
    if (!lastPlan) return; // keep the last good panel while the source has errors
    clear(
      paramsPanel,
      h('h3', {}, 'Parameters'),
      h(
        'table',
        { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'value'), h('th', {}, 'unit'), h('th', {}, 'approved bounds'))),
        h(
          'tbody',
          {},
          lastPlan.params.map((p) =>
            h(
              'tr',
              { 'data-param': p.name },
              h('td', {}, p.name),
              h('td', {}, p.display),
              h('td', {}, p.type.kind + (p.type.asset ? ` (${p.type.asset})` : '')),
              h('td', {}, p.bounds ? `[${inUnit(p.bounds.lo, p.type)}, ${inUnit(p.bounds.hi, p.type)}]` : '—'),
            ),
          ),
        ),
      ),
    );
  }

  async function refreshRuleSets(): Promise<void> {
    const list = await api<RuleSet[]>('GET', '/api/rulesets');
    clear(
      ruleSetList,
      list.map((r) => h('li', { class: ruleSet?.id === r.id ? 'selected' : '', 'data-ruleset': r.id, onclick: () => void openRuleSet(r.id) }, h('b', {}, r.name), h('div', { class: 'muted' }, `${r.id} · v${r.latestVersion}`))),
    );
  }

  async function openRuleSet(id: string, versionId?: number): Promise<void> {
    const detail = await api<RuleSetDetail>('GET', `/api/rulesets/${encodeURIComponent(id)}`);
    ruleSet = detail.ruleSet;
    versions = detail.versions;
    const latest = versionId ?? versions.at(-1)?.id;
    version = latest === undefined ? null : await api<Version>('GET', `/api/versions/${latest}`);
    model.setValue(version?.source ?? '');
    await refreshRuleSets();
    renderHeader();
    renderVersions();
    await renderJobs();
  }

  function renderHeader(): void {
    clear(title, ruleSet ? `${ruleSet.name} (${ruleSet.id})` : 'New rule set', version ? ` · version ${version.number}` : '');
    clear(status, version ? statusBadge(version.status) : '');
  }

  function renderVersions(): void {
    clear(
      versionsPanel,
      h('h3', {}, 'History'),
      versions.length === 0
        ? h('div', { class: 'muted' }, 'No versions yet.')
        : h(
            'ul',
            { class: 'list compact' },
            [...versions].reverse().map((v) =>
              h(
                'li',
                { class: v.id === version?.id ? 'selected' : '', 'data-version': v.number },
                h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), void openRuleSet(v.ruleSetId, v.id)) }, `v${v.number}`),
                ' ',
                statusBadge(v.status),
                h('span', { class: 'muted' }, ` ${v.author} · ${v.createdAt.slice(0, 16).replace('T', ' ')}`),
                ' ',
                v.number > 1 ? h('button', { class: 'small', title: `Diff v${v.number - 1} → v${v.number}`, 'data-testid': 'diff-prev', onclick: () => void diffWithPrevious(v) }, 'Δ prev') : '',
                h('button', { class: 'small', title: 'Diff against the editor text', onclick: () => void diffWithEditor(v) }, 'Δ editor'),
              ),
            ),
          ),
    );
  }

  async function diffWithEditor(v: VersionSummary): Promise<void> {
    const old = await api<Version>('GET', `/api/versions/${v.id}`);
    showDiff(`v${v.number} → editor`, old.source, model.getValue());
  }

  async function diffWithPrevious(v: VersionSummary): Promise<void> {
    const prev = versions.find((x) => x.number === v.number - 1);
    if (!prev) return;
    const [a, b] = await Promise.all([api<Version>('GET', `/api/versions/${prev.id}`), api<Version>('GET', `/api/versions/${v.id}`)]);
    showDiff(`v${prev.number} → v${v.number}`, a.source, b.source);
  }

  async function renderJobs(): Promise<void> {
    if (!version) return clear(jobsPanel);
    const jobs = await api<Job[]>('GET', `/api/versions/${version.id}/jobs`);
    const latest = (kind: Job['kind']): Job | undefined => jobs.filter((j) => j.kind === kind).at(-1);
    clear(jobsPanel, [latest('backtest'), latest('stress')].filter((j): j is Job => !!j).map(jobView));
  }

  function fail(err: unknown): void {
    if (err instanceof ApiFailure && Array.isArray((err.body as { diagnostics?: unknown })?.diagnostics)) {
      notice(message, `${err.message} (see problems)`, 'error');
    } else notice(message, err instanceof Error ? err.message : String(err), 'error');
  }

  async function saveVersion(): Promise<void> {
    try {
      await diagnostics.flush();
      if (!ruleSet) {
        const id = prompt('Rule set id (lower-case letters, digits, - and _):', lastPlan?.strategy.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-') ?? '');
        if (!id) return;
        const created = await api<RuleSetDetail>('POST', '/api/rulesets', { id, name: lastPlan?.strategy.name ?? id, source: model.getValue() });
        notice(message, `Created rule set ${created.ruleSet.id} with version 1.`, 'ok');
        await openRuleSet(created.ruleSet.id);
        return;
      }
      const v = await api<Version>('POST', `/api/rulesets/${encodeURIComponent(ruleSet.id)}/versions`, { source: model.getValue() });
      notice(message, `Saved version ${v.number}.`, 'ok');
      await openRuleSet(ruleSet.id, v.id);
    } catch (err) {
      fail(err);
    }
  }

  function runBody(): BacktestBody {
    const data = dataInput.value.split(',').map((s) => s.trim()).filter(Boolean);
    return { ...(data.length ? { data } : {}), ...(fromInput.value.trim() ? { from: fromInput.value.trim() } : {}), ...(toInput.value.trim() ? { to: toInput.value.trim() } : {}) };
  }

  async function run(kind: 'backtests' | 'stress'): Promise<void> {
    if (!version) return notice(message, 'Save a version first: runs are recorded against a version and its plan hash.', 'error');
    if (model.getValue() !== version.source) notice(message, `Running version ${version.number} as saved (the editor has unsaved changes).`, 'info');
    try {
      const job = await api<Job>('POST', `/api/versions/${version.id}/${kind}`, runBody());
      const slot = h('div', {});
      jobsPanel.prepend(slot);
      const done = await followJob(() => api<Job>('GET', `/api/jobs/${job.id}`), (j) => slot.replaceChildren(jobView(j)));
      if (done.status === 'done') {
        version = await api<Version>('GET', `/api/versions/${version.id}`);
        versions = (await api<RuleSetDetail>('GET', `/api/rulesets/${encodeURIComponent(version.ruleSetId)}`)).versions;
        renderHeader();
        renderVersions();
      }
    } catch (err) {
      fail(err);
    }
  }

  async function submit(): Promise<void> {
    if (!version) return;
    try {
      version = await api<Version>('POST', `/api/versions/${version.id}/submit`);
      notice(message, `Version ${version.number} submitted for approval.`, 'ok');
      await openRuleSet(version.ruleSetId, version.id);
    } catch (err) {
      fail(err);
    }
  }

  async function showGallery(): Promise<void> {
    const templates = await api<Template[]>('GET', '/api/templates');
    clear(
      gallery,
      h('h3', {}, 'Start from a template'),
      templates.map((t) =>
        h(
          'div',
          { class: 'card', 'data-template': t.id },
          h('b', {}, t.title),
          h('p', {}, t.description.split('\n\n')[0]?.replace(/\n/g, ' ').slice(0, 220) ?? ''),
          h('button', { onclick: () => useTemplate(t) }, 'Use'),
        ),
      ),
    );
  }

  function useTemplate(t: Template): void {
    ruleSet = null;
    version = null;
    versions = [];
    model.setValue(t.source);
    renderHeader();
    renderVersions();
    clear(jobsPanel);
    notice(message, `Template ${t.id} loaded: edit it, then "Save version" to create the rule set.`, 'info');
  }

  const can = session.can('author');
  clear(
    root,
    h(
      'div',
      { class: 'author' },
      h('aside', {}, h('h3', {}, 'Rule sets'), ruleSetList, can ? h('button', { onclick: () => void showGallery(), 'data-testid': 'new-from-template' }, 'New from template…') : '', gallery),
      h(
        'section',
        { class: 'work' },
        h(
          'div',
          { class: 'toolbar' },
          title,
          status,
          h('span', { class: 'spacer' }),
          h('button', { onclick: () => void editor.getAction('editor.action.formatDocument')?.run(), 'data-testid': 'format' }, 'Format'),
          can ? h('button', { onclick: () => void saveVersion(), 'data-testid': 'save' }, 'Save version') : '',
        ),
        editorHost,
        h('div', { class: 'statusbar' }, compileInfo),
        problems,
        message,
        can || session.can('review')
          ? h(
              'div',
              { class: 'toolbar' },
              'data ',
              dataInput,
              ' from ',
              fromInput,
              ' to ',
              toInput,
              h('button', { onclick: () => void run('backtests'), 'data-testid': 'run-backtest' }, 'Run backtest'),
              h('button', { onclick: () => void run('stress'), 'data-testid': 'run-stress' }, 'Run stress tests'),
              can ? h('button', { onclick: () => void submit(), 'data-testid': 'submit' }, 'Submit for approval') : '',
            )
          : '',
        jobsPanel,
      ),
      h('aside', { class: 'right' }, paramsPanel, versionsPanel),
    ),
  );
  await refreshRuleSets();
  const first = (await api<RuleSet[]>('GET', '/api/rulesets'))[0];
  if (first) await openRuleSet(first.id);
  else await showGallery();
  return () => {
    diagnostics.dispose();
    editor.dispose();
    model.dispose();
  };
}
