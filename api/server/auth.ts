// Who is calling, and may they. Every /api route authenticates with a bearer token (stored only as
// its sha256 hash); routes name the roles they need. admin holds every role. No token → 401, a
// token without the role → 403: the caller learns which role the action needs.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Role, Store, User } from '../store/types.js';
import { ApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

export const roleNames: Record<Role, string> = {
  admin: 'admin',
  author: 'author',
  risk_manager: 'risk manager',
  operator: 'operator',
  viewer: 'viewer',
};

export function hasRole(user: User, roles: readonly Role[]): boolean {
  return user.roles.includes('admin') || roles.length === 0 || roles.some((r) => user.roles.includes(r));
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError(401, 'invalid_authorization', 'the Authorization header must be "Bearer <token>"');
    return m[1];
  }
  // EventSource (the live stream) cannot set headers: it may pass the token in the query.
  const q = request.query as { access_token?: unknown } | undefined;
  return typeof q?.access_token === 'string' ? q.access_token : undefined;
}

/**
 * Who holds a token, remembered for a few seconds: every request authenticates, and the store's
 * answer cannot change meanwhile (tokens are created, never edited; users' roles do not change).
 */
class TokenCache {
  readonly #entries = new Map<string, { user: User; until: number }>();
  constructor(private readonly ttlMs = 5000, private readonly max = 1000) {}

  async lookup(store: Store, token: string): Promise<User | undefined> {
    const now = Date.now();
    const hit = this.#entries.get(token);
    if (hit && hit.until > now) return hit.user;
    const user = await store.userForToken(token);
    // Unknown tokens are not remembered: a token created a moment later must work at once.
    if (user) {
      if (this.#entries.size >= this.max) this.#entries.clear();
      this.#entries.set(token, { user, until: now + this.ttlMs });
    }
    return user;
  }
}

const caches = new WeakMap<Store, TokenCache>();

/** An onRequest hook that authenticates (before the body is even read) and requires one of `roles` (none: any authenticated user). */
export function requireRole(store: Store, ...roles: Role[]): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(request);
    if (!token) {
      void reply.header('www-authenticate', 'Bearer');
      throw new ApiError(401, 'unauthenticated', 'this needs an API token: send Authorization: Bearer <token>');
    }
    let cache = caches.get(store);
    if (!cache) caches.set(store, (cache = new TokenCache()));
    const user = token.length <= 200 ? await cache.lookup(store, token) : undefined;
    if (!user) {
      void reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'invalid_token', 'the API token is not valid (unknown or revoked)');
    }
    if (!hasRole(user, roles)) {
      const need = roles.map((r) => roleNames[r]).join(' or ');
      const have = user.roles.map((r) => roleNames[r]).join(', ') || 'no role';
      throw new ApiError(403, 'forbidden', `this needs the ${need} role; ${user.name} has ${have}`);
    }
    request.user = user;
  };
}

/** The authenticated user of a route guarded by requireRole. */
export function userOf(request: FastifyRequest): User {
  if (!request.user) throw new ApiError(401, 'unauthenticated', 'this needs an API token');
  return request.user;
}
