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

interface Figures {
  running: number;
  live: Array<[string, LiveFigures]>;
  jobs: { queued: number; running: number };
}

async function liveFigures(deps: AppDeps): Promise<Figures> {
  const live: Array<[string, LiveFigures]> = [];
  for (const i of await deps.store.listInstances()) {
    const snapshot = deps.instances.runtime(i.id)?.snapshot() as LiveFigures | undefined;
    if (snapshot) live.push([i.id, snapshot]);
  }
  return { running: deps.instances.count, live, jobs: deps.jobs.size };
}

export function installMetrics(app: FastifyInstance, deps: AppDeps): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'quoin_' });
  const requests = new Counter({ name: 'quoin_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'quoin_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // prom-client collects every metric at once: the live figures are read once per scrape and
  // shared by the gauges below.
  let figures: Promise<Figures> | undefined;
  const read = (): Promise<Figures> => {
    figures ??= liveFigures(deps).finally(() => setTimeout(() => (figures = undefined), 50).unref());
    return figures;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, f: Figures) => void): Gauge =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const f = await read();
        this.reset();
        fill(this, f);
      },
    });
  gauge('quoin_instances', 'Runtime instances running', [], (g, f) => g.set(f.running));
  gauge('quoin_instance_events', 'Market events an instance has processed', ['instance'], (g, f) => {
    for (const [id, live] of f.live) if (typeof live.eventsProcessed === 'number') g.set({ instance: id }, live.eventsProcessed);
  });
  gauge('quoin_instance_pnl', 'Total PnL of an instance (quote currency)', ['instance'], (g, f) => {
    for (const [id, live] of f.live) if (typeof live.pnl?.total === 'number') g.set({ instance: id }, live.pnl.total);
  });
  gauge('quoin_instance_fills', 'Fills of an instance', ['instance'], (g, f) => {
    for (const [id, live] of f.live) if (typeof live.counts?.fills === 'number') g.set({ instance: id }, live.counts.fills);
  });
  gauge('quoin_instance_position', 'Position per instance and market (base units)', ['instance', 'market'], (g, f) => {
    for (const [id, live] of f.live) for (const m of live.markets ?? []) if (typeof m.position === 'number') g.set({ instance: id, market: m.key ?? '?' }, m.position);
  });
  gauge('quoin_jobs', 'Backtest and stress jobs queued or running', ['state'], (g, f) => {
    g.set({ state: 'queued' }, f.jobs.queued);
    g.set({ state: 'running' }, f.jobs.running);
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids would make a label per request.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
