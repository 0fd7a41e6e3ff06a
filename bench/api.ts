// The API under load on loopback: the real server in its own process (`quoin serve`, the default
// paper instance quoting on real data), after its start-up jobs have finished, and bounded runs of
// compile requests and instance-state reads from 16 concurrent clients in this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from './run.js';
import { runLoad } from './http-load.js';

async function startServer(root: string, dir: string, token: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'quoin.mjs'), 'serve', '--port', '0', '--db', path.join(dir, 'quoin.db')], {
    cwd: dir,
    env: { ...process.env, QUOIN_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`quoin serve exited (${code}): ${out}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function benchApi(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-bench-api-'));
  const token = 'qn_bench_admin_token_0123456789';
  const server = await startServer(ctx.root, dir, token);
  try {
    const headers = { authorization: `Bearer ${token}` };
    // The first start backtests and stresses the default version: measure after that.
    for (const until = Date.now() + 300_000; Date.now() < until; ) {
      const jobs = (await (await fetch(`${server.url}/api/versions/1/jobs`, { headers })).json()) as Array<{ status: string }>;
      if (jobs.every((j) => j.status === 'done' || j.status === 'failed')) break;
      ctx.progress('api: waiting for the start-up jobs');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const source = readFileSync(path.join(ctx.root, 'rulesets', 'avellaneda-stoikov.quoin'), 'utf8');
    const runs = [
      { name: 'compile', url: `${server.url}/api/compile`, method: 'POST' as const, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source }) },
      { name: 'check', url: `${server.url}/api/check`, method: 'POST' as const, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source }) },
      { name: 'instance state', url: `${server.url}/api/instances/paper-default`, method: 'GET' as const, headers },
    ];
    for (const r of runs) {
      ctx.progress(`api: ${r.name}`);
      await runLoad({ ...r, concurrency: 16, count: 300, timeLimitMs: 5000 }); // warm-up
      const result = await runLoad({ ...r, concurrency: 16, count: 4000, timeLimitMs: 20_000 });
      if (result.errors > 0) throw new Error(`api ${r.name}: ${result.errors} errors (${JSON.stringify(result.statuses)})`);
      ctx.report(`api ${r.name} rate`, result.perSecond, 'req/s');
      ctx.report(`api ${r.name} p50`, result.p50Ms, 'ms');
      ctx.report(`api ${r.name} p99`, result.p99Ms, 'ms');
    }
  } finally {
    server.stop();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}
