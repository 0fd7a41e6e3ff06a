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

/** An onRequest hook that authenticates (before the body is even read) and requires one of `roles` (none: any authenticated user). */
export function requireRole(store: Store, ...roles: Role[]): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(request);
    if (!token) {
      void reply.header('www-authenticate', 'Bearer');
      throw new ApiError(401, 'unauthenticated', 'this needs an API token: send Authorization: Bearer <token>');
    }
    const user = token.length <= 200 ? await store.userForToken(token) : undefined;
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
