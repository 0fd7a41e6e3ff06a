// The API under load on loopback: the real server (store, default paper instance quoting) and
// bounded runs of compile requests and instance-state reads, 16 clients at a time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/server/server.js';
import { paperRuntimeFactory } from '../api/services/paper-runtime.js';
import { defaultDataNames } from '../cli/serve-command.js';
import type { BenchContext } from './run.js';
import { runLoad } from './http-load.js';

export async function benchApi(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-bench-api-'));
  const token = 'qn_bench_admin_token_0123456789';
  const dataDir = path.join(ctx.root, '..', 'shared', 'data');
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: path.join(dir, 'quoin.db'),
    data: { dir: dataDir, defaults: defaultDataNames, simulatedSec: 600 },
    adminToken: token,
    defaultRuleSet: 'pure-symmetric',
    runtimeFactory: paperRuntimeFactory,
    version: 'bench',
    print: () => undefined,
  });
  try {
    const headers = { authorization: `Bearer ${token}` };
    const source = readFileSync(path.join(ctx.root, 'rulesets', 'avellaneda-stoikov.quoin'), 'utf8');
    const runs = [
      { name: 'compile', url: `${server.url}/api/compile`, method: 'POST' as const, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source }) },
      { name: 'instance state', url: `${server.url}/api/instances/paper-default`, method: 'GET' as const, headers },
    ];
    for (const r of runs) {
      ctx.progress(`api: ${r.name}`);
      await runLoad({ ...r, concurrency: 16, count: 300, timeLimitMs: 5000 }); // warm-up
      const result = await runLoad({ ...r, concurrency: 16, count: 3000, timeLimitMs: 20_000 });
      if (result.errors > 0) throw new Error(`api ${r.name}: ${result.errors} errors (${JSON.stringify(result.statuses)})`);
      ctx.report(`api ${r.name} rate`, result.perSecond, 'req/s');
      ctx.report(`api ${r.name} p50`, result.p50Ms, 'ms');
      ctx.report(`api ${r.name} p99`, result.p99Ms, 'ms');
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
