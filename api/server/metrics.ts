// Prometheus metrics (prom-client, text format at /metrics): request counts and latencies by route,
// jobs by state, and each instance's live figures, read from the runtimes when scraped.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppDeps } from './deps.js';

/** The figures of an instance's live state the metrics read, when present. */
interface LiveFigures {
  status?: string;
  eventsProcessed?: number;
  pnl?: { total?: number | null };
  markets?: Array<{ key?: string; position?: number | null }>;
  counts?: { fills?: number };
}

export function installMetrics(app: FastifyInstance, deps: AppDeps): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'quoin_process_' });
  const requests = new Counter({ name: 'quoin_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'quoin_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const events = new Gauge({ name: 'quoin_instance_events', help: 'Market events an instance has processed', labelNames: ['instance'], registers: [registry] });
  const pnl = new Gauge({ name: 'quoin_instance_pnl', help: 'Total PnL of an instance (quote currency)', labelNames: ['instance'], registers: [registry] });
  const fills = new Gauge({ name: 'quoin_instance_fills', help: 'Fills of an instance', labelNames: ['instance'], registers: [registry] });
  const position = new Gauge({ name: 'quoin_instance_position', help: 'Position per instance and market (base units)', labelNames: ['instance', 'market'], registers: [registry] });
  const jobs = new Gauge({ name: 'quoin_jobs', help: 'Backtest and stress jobs queued or running', labelNames: ['state'], registers: [registry] });
  const instances = new Gauge({
    name: 'quoin_instances',
    help: 'Runtime instances running',
    registers: [registry],
    async collect() {
      this.set(deps.instances.count);
      events.reset();
      pnl.reset();
      fills.reset();
      position.reset();
      for (const i of await deps.store.listInstances()) {
        const live = deps.instances.runtime(i.id)?.snapshot() as LiveFigures | undefined;
        if (!live) continue;
        if (typeof live.eventsProcessed === 'number') events.set({ instance: i.id }, live.eventsProcessed);
        if (typeof live.pnl?.total === 'number') pnl.set({ instance: i.id }, live.pnl.total);
        if (typeof live.counts?.fills === 'number') fills.set({ instance: i.id }, live.counts.fills);
        for (const m of live.markets ?? []) if (typeof m.position === 'number') position.set({ instance: i.id, market: m.key ?? '?' }, m.position);
      }
      const size = deps.jobs.size;
      jobs.set({ state: 'queued' }, size.queued);
      jobs.set({ state: 'running' }, size.running);
    },
  });
  void instances;

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids would make a label per request.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
