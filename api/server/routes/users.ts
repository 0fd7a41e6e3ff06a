// Users and API tokens (admin only), and who am I.
import type { FastifyInstance } from 'fastify';
import type { CreateTokenBody, CreateUserBody } from '../../../schemas/generated/api.js';
import { requireRole, userOf } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { def, errors, listOf } from '../schemas.js';

export function userRoutes(app: FastifyInstance, { store }: AppDeps): void {
  const admins = requireRole(store, 'admin');
  app.get('/api/me', { onRequest: requireRole(store), schema: { tags: ['users'], summary: 'The user of the token', response: { 200: def('User'), ...errors() } } }, async (request) => userOf(request));
  app.get('/api/users', { onRequest: admins, schema: { tags: ['users'], summary: 'List users', response: { 200: listOf('User'), ...errors() } } }, async () => store.listUsers());
  app.post<{ Body: CreateUserBody }>(
    '/api/users',
    { onRequest: admins, schema: { tags: ['users'], summary: 'Create a user with roles', body: def('CreateUserBody'), response: { 201: def('User'), ...errors(409) } } },
    async (request, reply) => reply.status(201).send(await store.createUser({ name: request.body.name, roles: request.body.roles, actor: userOf(request).id })),
  );
  app.post<{ Params: { id: string }; Body: CreateTokenBody }>(
    '/api/users/:id/tokens',
    { onRequest: admins, schema: { tags: ['users'], summary: 'Create an API token for a user (shown once)', params: def('NameParam'), body: def('CreateTokenBody'), response: { 201: def('TokenCreated'), ...errors(404) } } },
    async (request, reply) => {
      const user = (await store.listUsers()).find((u) => u.id === request.params.id);
      if (!user) throw notFound(`user ${request.params.id}`);
      const { token, id } = await store.createToken({ userId: user.id, label: request.body.label, actor: userOf(request).id });
      return reply.status(201).send({ id, token, userId: user.id });
    },
  );
}
