// The risk manager's queue: every version pending approval, with its diff against what is deployed
// (or its previous version), the backtest and stress evidence for that exact plan hash, the risk
// envelope check, and approve/reject with a comment. Approval names the plan hash it saw, so a
// version that changed under the reviewer cannot be approved by mistake.
import type { Deployment, EnvelopeCheck, Instance, Job, Version, VersionSummary } from '../../../schemas/generated/api.js';
import { api } from '../api.js';
import { clear, h, notice } from '../dom.js';
import type { Session } from '../session.js';
import { statusBadge } from './author.js';
import { diffEditor } from './diff.js';
import { jobView } from './job-report.js';

/** The source to compare a candidate against: the deployed version of the same rule set, else its previous version. */
async function baseline(v: Version): Promise<{ label: string; source: string }> {
  const instances = await api<Instance[]>('GET', '/api/instances');
  for (const inst of instances) {
    if (inst.currentDeploymentId === null) continue;
    const deployments = await api<Deployment[]>('GET', `/api/instances/${encodeURIComponent(inst.id)}/deployments`);
    const current = deployments.find((d) => d.id === inst.currentDeploymentId);
    if (!current) continue;
    const deployed = await api<Version>('GET', `/api/versions/${current.versionId}`);
    if (deployed.ruleSetId === v.ruleSetId && deployed.id !== v.id) return { label: `deployed on ${inst.id}: v${deployed.number}`, source: deployed.source };
  }
  if (v.number > 1) {
    const detail = await api<{ versions: VersionSummary[] }>('GET', `/api/rulesets/${encodeURIComponent(v.ruleSetId)}`);
    const prev = detail.versions.find((x) => x.number === v.number - 1);
    if (prev) return { label: `previous version v${prev.number} (nothing deployed)`, source: (await api<Version>('GET', `/api/versions/${prev.id}`)).source };
  }
  return { label: 'nothing deployed, no previous version', source: '' };
}

export async function approvalsView(root: HTMLElement, session: Session): Promise<() => void> {
  const queue = h('ul', { class: 'list', 'data-testid': 'queue' });
  const detail = h('section', { class: 'work' });
  let disposeDiff: (() => void) | undefined;

  async function refresh(): Promise<void> {
    const pending = await api<VersionSummary[]>('GET', '/api/versions?status=pending_approval');
    clear(
      queue,
      pending.length === 0 ? h('li', { class: 'muted' }, 'Nothing waits for approval.') : '',
      pending.map((v) => h('li', { 'data-version-id': v.id, onclick: () => void open(v.id) }, h('b', {}, `${v.ruleSetId} v${v.number}`), h('div', { class: 'muted' }, `by ${v.author} · ${v.updatedAt.slice(0, 16).replace('T', ' ')}`))),
    );
  }

  async function open(id: number): Promise<void> {
    disposeDiff?.();
    const v = await api<Version>('GET', `/api/versions/${id}`);
    const [base, jobs, envelope] = await Promise.all([baseline(v), api<Job[]>('GET', `/api/versions/${id}/jobs`), api<EnvelopeCheck>('GET', `/api/versions/${id}/envelope-check`)]);
    const diffHost = h('div', { class: 'diff', 'data-testid': 'approval-diff' });
    const comment = h('textarea', { rows: 2, placeholder: 'Comment (required to reject)', 'data-testid': 'comment' });
    const message = h('div', { class: 'notice' });
    const evidence = (kind: Job['kind']): Job | undefined => jobs.filter((j) => j.kind === kind && j.planHash === v.planHash && j.status === 'done').at(-1);
    const decide = async (decision: 'approve' | 'reject'): Promise<void> => {
      try {
        const body = decision === 'approve' ? { planHash: v.planHash, comment: comment.value } : { comment: comment.value };
        const after = await api<Version>('POST', `/api/versions/${id}/${decision}`, body);
        notice(message, `${v.ruleSetId} v${v.number} is now ${after.status}.`, 'ok');
        await refresh();
      } catch (err) {
        notice(message, (err as Error).message, 'error');
      }
    };
    clear(
      detail,
      h('div', { class: 'toolbar' }, h('b', {}, `${v.ruleSetId} v${v.number}`), ' ', statusBadge(v.status), h('span', { class: 'muted' }, ` by ${v.author} · plan ${v.planHash}`)),
      h('h3', {}, `Changes against ${base.label}`),
      diffHost,
      h('h3', {}, 'Risk envelope'),
      envelope.ok ? h('div', { class: 'notice ok', 'data-testid': 'envelope' }, 'Inside the risk envelope.') : h('ul', { class: 'problems', 'data-testid': 'envelope' }, envelope.diagnostics.map((d) => h('li', { class: d.severity }, `${d.range.start.line}:${d.range.start.col} ${d.code} ${d.message}`))),
      h('h3', {}, 'Evidence for this plan hash'),
      ...(['backtest', 'stress'] as const).map((k) => {
        const j = evidence(k);
        return j ? jobView(j) : h('div', { class: 'notice error' }, `No finished ${k} for this plan hash.`);
      }),
      session.can('review')
        ? h(
            'div',
            { class: 'decision' },
            comment,
            h('button', { class: 'primary', onclick: () => void decide('approve'), 'data-testid': 'approve' }, 'Approve'),
            h('button', { class: 'danger', onclick: () => void decide('reject'), 'data-testid': 'reject' }, 'Reject'),
            message,
          )
        : h('div', { class: 'muted' }, 'Only a risk manager can approve or reject.'),
    );
    disposeDiff = diffEditor(diffHost, base.source, v.source).dispose;
  }

  clear(root, h('div', { class: 'approvals' }, h('aside', {}, h('h3', {}, 'Approval queue'), queue), detail));
  await refresh();
  return () => disposeDiff?.();
}
