// Health and metrics: unauthenticated, for load balancers and Prometheus.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AppDeps } from '../deps.js';
import { def } from '../schemas.js';

export function systemRoutes(app: FastifyInstance, deps: AppDeps, registry: Registry): void {
  const started = Date.now();
  app.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness and the store\'s health', response: { 200: def('Health'), 503: def('Error') } } }, async (_request, reply) => {
    try {
      await deps.store.countUsers();
    } catch (err) {
      return reply.status(503).send({ statusCode: 503, code: 'store_unavailable', message: `the store does not answer: ${(err as Error).message}` });
    }
    return { status: 'ok' as const, version: deps.version, uptimeSec: (Date.now() - started) / 1000, instances: deps.instances.count };
  });
  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics (text format)', response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
