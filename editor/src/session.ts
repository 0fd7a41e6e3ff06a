// Who is logged in and what they may do. The server enforces every role; the UI only hides what a
// role cannot do, so nobody is offered a button that would answer 403.
import type { Role, User } from '../../schemas/generated/api.js';
import { api, setToken } from './api.js';

const storageKey = 'quoin.token';

export type Ability = 'author' | 'review' | 'operate' | 'view';

const abilityRoles: Record<Ability, Role[]> = {
  author: ['admin', 'author'],
  review: ['admin', 'risk_manager'],
  operate: ['admin', 'operator'],
  view: ['admin', 'author', 'risk_manager', 'operator', 'viewer'],
};

export interface Session {
  user: User;
  can(ability: Ability): boolean;
}

export function makeSession(user: User): Session {
  return { user, can: (a) => user.roles.some((r) => abilityRoles[a].includes(r)) };
}

/** Checks a token with the server; remembers it in this browser when it works. */
export async function login(token: string): Promise<Session> {
  setToken(token.trim());
  try {
    const user = await api<User>('GET', '/api/me');
    localStorage.setItem(storageKey, token.trim());
    return makeSession(user);
  } catch (err) {
    setToken(null);
    throw err;
  }
}

export async function resume(): Promise<Session | null> {
  const saved = localStorage.getItem(storageKey);
  if (!saved) return null;
  try {
    return await login(saved);
  } catch {
    localStorage.removeItem(storageKey);
    return null;
  }
}

export function logout(): void {
  localStorage.removeItem(storageKey);
  setToken(null);
}
