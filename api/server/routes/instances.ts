// Runtime instances: create, read live state, stream it, deploy, roll back, kill and resume.
import type { FastifyInstance } from 'fastify';
import type { CreateInstanceBody, DeployBody, ReasonBody } from '../../../schemas/generated/api.js';
import { requireRole, userOf } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { instanceBody } from '../present.js';
import { bodyOptional, def, errors, listOf, noFields } from '../schemas.js';

type Params = { id: string };

export function instanceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { store, instances } = deps;
  const anyone = requireRole(store);
  const operators = requireRole(store, 'operator');
  // Stopping trading is also a risk manager's call.
  const killers = requireRole(store, 'operator', 'risk_manager');
  const params = { params: def('NameParam') };
  const live = (id: string): unknown => instances.runtime(id)?.snapshot() ?? null;

  app.get('/api/instances', { onRequest: anyone, schema: { tags: ['instances'], summary: 'Instances with their live state', response: { 200: listOf('Instance'), ...errors() } } }, async () =>
    (await store.listInstances()).map((i) => instanceBody(i, live(i.id))),
  );

  app.post<{ Body: CreateInstanceBody }>(
    '/api/instances',
    { onRequest: operators, schema: { tags: ['instances'], summary: 'Create a paper instance on a replayed or simulated market', body: def('CreateInstanceBody'), response: { 201: def('Instance'), ...errors(409, 422) } } },
    async (request, reply) => {
      const source = request.body.source;
      // Checks the data names now (400/422), not at the first deployment.
      if (source.kind === 'replay') deps.resolveMarket(source.data, 1);
      const instance = await store.createInstance({ id: request.body.id, name: request.body.name, mode: 'paper', source, actor: userOf(request).id });
      return reply.status(201).send(instanceBody(instance, null));
    },
  );

  app.get<{ Params: Params }>(
    '/api/instances/:id',
    { onRequest: anyone, schema: { tags: ['instances'], summary: 'An instance and its live state: quotes, position, PnL, risk state, scenario, explain', ...params, response: { 200: def('Instance'), ...errors(404) } } },
    async (request) => instanceBody(await store.getInstance(request.params.id), live(request.params.id)),
  );

  app.get<{ Params: Params }>(
    '/api/instances/:id/deployments',
    { onRequest: anyone, schema: { tags: ['instances'], summary: 'Deployment history, newest first', ...params, response: { 200: listOf('Deployment'), ...errors(404) } } },
    async (request) => {
      await store.getInstance(request.params.id);
      return (await store.listDeployments(request.params.id)).sort((a, b) => b.id - a.id);
    },
  );

  app.post<{ Params: Params; Body: DeployBody }>(
    '/api/instances/:id/deploy',
    { onRequest: operators, schema: { tags: ['instances'], summary: 'Deploy an approved version (hot swap between two events)', ...params, body: def('DeployBody'), response: { 200: def('DeployResult'), ...errors(404, 409, 422) } } },
    async (request) => instances.deploy({ instanceId: request.params.id, versionId: request.body.versionId, actor: userOf(request) }),
  );

  app.post<{ Params: Params }>(
    '/api/instances/:id/rollback',
    { onRequest: operators, preValidation: bodyOptional, schema: { tags: ['instances'], summary: 'Roll back to the version the current deployment replaced', ...params, ...noFields(), response: { 200: def('DeployResult'), ...errors(404, 409) } } },
    async (request) => instances.rollback({ instanceId: request.params.id, actor: userOf(request) }),
  );

  app.post<{ Params: Params; Body: ReasonBody }>(
    '/api/instances/:id/kill',
    { onRequest: killers, schema: { tags: ['instances'], summary: 'Kill switch: halt and cancel every order of the instance', ...params, body: def('ReasonBody'), response: { 200: def('Instance'), ...errors(404) } } },
    async (request) => instanceBody(await instances.kill({ instanceId: request.params.id, reason: request.body.reason, actor: userOf(request) }), live(request.params.id)),
  );

  app.post<{ Params: Params; Body: ReasonBody }>(
    '/api/instances/:id/resume',
    { onRequest: operators, schema: { tags: ['instances'], summary: 'Resume a killed or stopped instance', ...params, body: def('ReasonBody'), response: { 200: def('Instance'), ...errors(404) } } },
    async (request) => instanceBody(await instances.resume({ instanceId: request.params.id, reason: request.body.reason, actor: userOf(request) }), live(request.params.id)),
  );

  app.post<{ Body: ReasonBody }>(
    '/api/kill',
    { onRequest: killers, schema: { tags: ['instances'], summary: 'Global kill switch: every instance', body: def('ReasonBody'), response: { 200: listOf('Instance'), ...errors() } } },
    async (request) => (await instances.killAll({ reason: request.body.reason, actor: userOf(request) })).map((i) => instanceBody(i, live(i.id))),
  );

  app.get<{ Params: Params }>(
    '/api/instances/:id/stream',
    {
      preHandler: anyone,
      schema: {
        tags: ['instances'],
        summary: 'Server-sent events: the live state now and on every change (at most 4 a second)',
        ...params,
        querystring: def('StreamQuery'),
        response: { 200: { description: 'text/event-stream of `event: state` messages whose data is the live state.', type: 'string' }, ...errors(404) },
      },
    },
    async (request, reply) => {
      await store.getInstance(request.params.id);
      const id = request.params.id;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      let seq = 0;
      const send = (state: unknown): void => {
        res.write(`id: ${++seq}\nevent: state\ndata: ${JSON.stringify(state ?? null)}\n\n`);
      };
      send(live(id));
      // A deploy to an instance with no runtime yet starts one: follow it when it appears.
      let unsubscribe: (() => void) | undefined;
      const attach = (): void => {
        const rt = instances.runtime(id);
        if (rt && !unsubscribe) unsubscribe = rt.subscribe(send);
      };
      attach();
      const heartbeat = setInterval(() => {
        attach();
        res.write(': keep-alive\n\n');
      }, 15_000);
      heartbeat.unref();
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe?.();
      });
    },
  );
}
