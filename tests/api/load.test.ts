// A bounded load test on loopback: compile requests and instance-state reads from 16 clients at
// once, against the real app on a real port with a paper instance running. It asserts that every
// request succeeds and prints the figures (requests/s, p99); the numbers themselves are tracked by
// `npm run bench` (bench/api.ts), not asserted here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/http-load.js';
import { rulesetsDir } from '../helpers.js';
import { testService, type TestService } from './harness.js';

let s: TestService;
let url = '';
beforeAll(async () => {
  s = await testService();
  url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  await s.store.createRuleSet({ id: 'load', name: 'load', actor: 'test' });
  expect((await s.as('operator', 'POST', '/api/instances', { id: 'load', name: 'load', source: { kind: 'simulated', seed: 5 } })).statusCode).toBe(201);
});
afterAll(async () => s.close());

describe('API under load (loopback, bounded)', () => {
  const source = readFileSync(path.join(rulesetsDir, 'avellaneda-stoikov.quoin'), 'utf8');

  it('answers every compile request', async () => {
    const r = await runLoad({ url: `${url}/api/compile`, method: 'POST', headers: { authorization: `Bearer ${s.tokens.viewer}`, 'content-type': 'application/json' }, body: JSON.stringify({ source }), concurrency: 16, count: 400, timeLimitMs: 15_000 });
    process.stderr.write(`load: compile ${r.requests} requests, ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms\n`);
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
  }, 30_000);

  it('answers every instance-state read', async () => {
    const r = await runLoad({ url: `${url}/api/instances/load`, method: 'GET', headers: { authorization: `Bearer ${s.tokens.viewer}` }, concurrency: 16, count: 1000, timeLimitMs: 15_000 });
    process.stderr.write(`load: instance state ${r.requests} requests, ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms\n`);
    expect(r.errors).toBe(0);
    expect(r.statuses[200]).toBe(r.requests);
  }, 30_000);
});
