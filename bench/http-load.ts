// A bounded load generator for the HTTP API on loopback: `concurrency` clients send `count`
// requests in all (or stop at `timeLimitMs`), and the figures are requests/s and latency
// percentiles. Used by bench/api.ts and by the API load test.
import { quantileSorted } from 'simple-statistics';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  concurrency: number;
  count: number;
  timeLimitMs: number;
}

export interface LoadResult {
  requests: number;
  /** Answers that were not 2xx, and requests that failed outright. */
  errors: number;
  statuses: Record<number, number>;
  wallMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + spec.timeLimitMs;
  const client = async (): Promise<void> => {
    while (started < spec.count && performance.now() < deadline) {
      started++;
      const t = performance.now();
      try {
        const res = await fetch(spec.url, { method: spec.method, headers: spec.headers ?? {}, ...(spec.body !== undefined ? { body: spec.body } : {}) });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status >= 300) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, client));
  const wallMs = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => (latencies.length > 0 ? quantileSorted(latencies, p) : NaN);
  return { requests: latencies.length, errors, statuses, wallMs, perSecond: (latencies.length / wallMs) * 1000, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: latencies[latencies.length - 1] ?? NaN };
}
