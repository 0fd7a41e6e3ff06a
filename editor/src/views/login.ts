// Log in with an API token (made by an admin: `quoin` prints the first one at start; more via
// POST /api/users/:id/tokens). The token stays in this browser's local storage until logout.
import { ApiFailure } from '../api.js';
import { clear, h, notice } from '../dom.js';
import { login, type Session } from '../session.js';

export function loginView(root: HTMLElement, onLogin: (s: Session) => void): void {
  const input = h('input', { type: 'password', placeholder: 'API token', size: 50, autocomplete: 'off', 'data-testid': 'token' });
  const message = h('div', { class: 'notice' });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      onLogin(await login(input.value));
    } catch (err) {
      notice(message, err instanceof ApiFailure && err.status === 401 ? 'That token is not valid (unknown, revoked or mistyped).' : (err as Error).message, 'error');
    }
  };
  clear(
    root,
    h(
      'form',
      { class: 'login', onsubmit: (e: Event) => void submit(e) },
      h('h2', {}, 'Quoin'),
      h('p', { class: 'muted' }, 'Log in with your API token. The first admin token is printed once when the server first starts.'),
      input,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'login' }, 'Log in'),
      message,
    ),
  );
  input.focus();
}
