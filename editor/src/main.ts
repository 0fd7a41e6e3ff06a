// The web app: log in, then the views the user's roles allow — Author (editor, templates, history,
// runs), Approvals (risk managers), Dashboard (everyone) — switched by the URL hash so a view can be
// linked and reloaded.
import './style.css';
import { clear, h } from './dom.js';
import { registerQuoinLanguage } from './language/index.js';
import { monaco } from './monaco.js';
import { logout, resume, type Session } from './session.js';
import { approvalsView } from './views/approvals.js';
import { authorView } from './views/author.js';
import { dashboardView } from './views/dashboard.js';
import { loginView } from './views/login.js';

registerQuoinLanguage(monaco);
// For the browser tests, which read markers and models through Monaco's own API.
(window as unknown as { quoinDebug: unknown }).quoinDebug = { monaco };

const app = document.getElementById('app')!;
let dispose: (() => void) | undefined;

function tabs(session: Session): Array<{ route: string; label: string }> {
  return [
    ...(session.can('author') || session.can('review') ? [{ route: 'author', label: 'Author' }] : []),
    ...(session.can('review') ? [{ route: 'approvals', label: 'Approvals' }] : []),
    { route: 'dashboard', label: 'Dashboard' },
  ];
}

async function show(session: Session): Promise<void> {
  const [route = '', arg] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = tabs(session);
  const current = allowed.find((t) => t.route === route) ?? allowed[0]!;
  const view = h('main', { class: 'view' });
  clear(
    app,
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'Quoin'),
      h('nav', {}, allowed.map((t) => h('a', { href: `#/${t.route}`, class: t === current ? 'active' : '', 'data-testid': `tab-${t.route}` }, t.label))),
      h('span', { class: 'spacer' }),
      h('span', { class: 'muted', 'data-testid': 'whoami' }, `${session.user.name} · ${session.user.roles.join(', ')}`),
      h('button', { class: 'small', onclick: () => (logout(), location.reload()) }, 'Log out'),
    ),
    view,
  );
  dispose?.();
  dispose = undefined;
  try {
    if (current.route === 'author') dispose = await authorView(view, session);
    else if (current.route === 'approvals') dispose = await approvalsView(view, session);
    else dispose = await dashboardView(view, session, arg ? decodeURIComponent(arg) : undefined);
  } catch (err) {
    clear(view, h('div', { class: 'notice error' }, `Could not load this view: ${(err as Error).message}`));
  }
}

async function boot(): Promise<void> {
  const session = await resume();
  if (!session) {
    loginView(app, (s) => {
      window.addEventListener('hashchange', () => void show(s));
      void show(s);
    });
    return;
  }
  window.addEventListener('hashchange', () => void show(session));
  await show(session);
}

void boot();
